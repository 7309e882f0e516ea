package com.alignersync.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The REST poller: where PostgREST is, the key, the schedule, paging and the cursor window.
 *
 * @param restUrl the PostgREST base, {@code <supabase.url>/rest/v1} (null when disabled and unset)
 * @param apiKey  the service role or secret key; never printed
 */
public record PollConfig(
        boolean enabled,
        URI restUrl,
        String apiKey,
        Duration interval,
        int pageSize,
        Duration overlap,
        Duration initialLookback,
        Duration requestTimeout,
        NotesCursor notesCursor) {

    /** Which cursor(s) {@code aligner_notes} is read by. */
    public enum NotesCursor {
        /** Probe once whether the portal has {@code aligner_notes.updated_at}. */
        AUTO,
        /** One cursor {@code (updated_at, note_id)}. */
        UPDATED_AT,
        /** Two cursors, {@code (created_at, note_id)} for new notes and {@code (edited_at, note_id)} for edits. */
        CREATED_EDITED
    }

    /** Whether the portal's REST API can be read at all (by the poller, reconcile, verify, trace): a URL and a key. */
    public boolean portalReadable() {
        return restUrl != null && apiKey != null && !apiKey.isBlank();
    }

    public static PollConfig from(ConfigReader reader) {
        boolean enabled = reader.bool(ConfigKeys.POLL_ENABLED);
        URI restUrl = null;
        String apiKey = reader.string(ConfigKeys.SUPABASE_SERVICE_ROLE_KEY);
        if (enabled) {
            String url = reader.requiredString(ConfigKeys.SUPABASE_URL);
            restUrl = url == null ? null : restUrl(reader, url);
            apiKey = reader.requiredString(ConfigKeys.SUPABASE_SERVICE_ROLE_KEY);
        } else if (reader.string(ConfigKeys.SUPABASE_URL) != null) {
            restUrl = restUrl(reader, reader.string(ConfigKeys.SUPABASE_URL));
        }
        return new PollConfig(
                enabled,
                restUrl,
                apiKey,
                Duration.ofMinutes(reader.intInRange(ConfigKeys.POLL_INTERVAL_MINUTES, 1, 7 * 24 * 60)),
                reader.intInRange(ConfigKeys.POLL_PAGE_SIZE, 1, 100_000),
                Duration.ofMinutes(reader.intInRange(ConfigKeys.POLL_OVERLAP_MINUTES, 0, 24 * 60)),
                Duration.ofHours(reader.intInRange(ConfigKeys.POLL_INITIAL_LOOKBACK_HOURS, 1, 24 * 366)),
                reader.millis(ConfigKeys.POLL_REQUEST_TIMEOUT_MS, 100, 600_000),
                reader.choice(ConfigKeys.POLL_NOTES_CURSOR, NotesCursor.class));
    }

    private static URI restUrl(ConfigReader reader, String url) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            URI uri = new URI(base);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return URI.create(base.endsWith("/rest/v1") ? base : base + "/rest/v1");
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        reader.problem(ConfigKeys.SUPABASE_URL.label() + " is '" + url + "': expected an http(s) URL such as https://<ref>.supabase.co");
        return null;
    }


    /** Never print the key: records print every component, so override. */
    @Override
    public String toString() {
        return "PollConfig[enabled=" + enabled + ", restUrl=" + restUrl + ", apiKey=****, interval=" + interval
                + ", pageSize=" + pageSize + ", overlap=" + overlap + ", initialLookback=" + initialLookback
                + ", requestTimeout=" + requestTimeout + ", notesCursor=" + notesCursor + "]";
    }
}
