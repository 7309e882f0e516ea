package com.alignersync.config;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CDC input: where to replicate from, slot and publication, how fast to poll, heartbeats,
 * restart backoff and slot checks, plus every {@code debezium.source.*} property passed through.
 *
 * @param db          null when CDC is disabled
 * @param passThrough {@code debezium.source.*} properties, prefix removed; they override ours
 */
public record CdcConfig(
        boolean enabled,
        PostgresUrl db,
        String slotName,
        String publicationName,
        String snapshotMode,
        Duration pollInterval,
        Duration heartbeatInterval,
        String heartbeatActionQuery,
        Duration restartBackoffInitial,
        Duration restartBackoffMax,
        Duration slotCheckInterval,
        Map<String, String> passThrough) {

    public static final String PASS_THROUGH_PREFIX = "debezium.source.";

    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Set<String> SNAPSHOT_MODES = Set.of("no_data", "initial", "when_needed", "always", "initial_only");

    public CdcConfig {
        passThrough = Map.copyOf(passThrough);
        heartbeatActionQuery = heartbeatActionQuery == null ? "" : heartbeatActionQuery;
    }

    /** How long the input waits before it restarts its engine, or offers a batch SQL Server did not take again. */
    public Backoff restartBackoff() {
        return new Backoff(restartBackoffInitial, restartBackoffMax);
    }

    public static CdcConfig from(ConfigReader reader) {
        boolean enabled = reader.bool(ConfigKeys.CDC_ENABLED);
        PostgresUrl db = null;
        if (enabled) {
            String url = reader.string(ConfigKeys.SUPABASE_DB_URL);
            if (url == null || url.isBlank()) {
                reader.problem(ConfigKeys.SUPABASE_DB_URL.label() + " is not set, and the CDC input needs it: "
                        + ConfigKeys.SUPABASE_DB_URL.doc() + " (or set cdc.enabled=false)");
            } else {
                try {
                    db = PostgresUrl.parse(url.trim());
                    if (db.isSupabasePooler()) {
                        reader.problem(ConfigKeys.SUPABASE_DB_URL.label() + " points at the Supavisor pooler (" + db.host() + ":" + db.port()
                                + "), which cannot carry logical replication: use the direct host db.<project-ref>.supabase.co:5432"
                                + " (Supabase dashboard, Connect, 'Direct connection')");
                    }
                } catch (IllegalArgumentException e) {
                    reader.problem(ConfigKeys.SUPABASE_DB_URL.label() + " " + e.getMessage());
                }
            }
        }
        String slot = reader.string(ConfigKeys.CDC_SLOT_NAME);
        if (slot == null || !SLOT_NAME.matcher(slot).matches()) {
            reader.problem(ConfigKeys.CDC_SLOT_NAME.label() + " is '" + slot + "': a slot name has 1 to 63 lower-case letters, digits or _");
        }
        String publication = reader.string(ConfigKeys.CDC_PUBLICATION_NAME);
        if (publication == null || !IDENTIFIER.matcher(publication).matches()) {
            reader.problem(ConfigKeys.CDC_PUBLICATION_NAME.label() + " is '" + publication + "': expected a plain identifier (letters, digits, _)");
        }
        String snapshotMode = reader.string(ConfigKeys.CDC_SNAPSHOT_MODE);
        if (snapshotMode == null || !SNAPSHOT_MODES.contains(snapshotMode)) {
            reader.problem(ConfigKeys.CDC_SNAPSHOT_MODE.label() + " is '" + snapshotMode + "': expected one of " + String.join(", ", SNAPSHOT_MODES.stream().sorted().toList()));
        }
        CdcConfig config = new CdcConfig(
                enabled,
                db,
                slot,
                publication,
                snapshotMode,
                reader.millis(ConfigKeys.CDC_POLL_INTERVAL_MS, 1, 60_000),
                reader.millis(ConfigKeys.CDC_HEARTBEAT_INTERVAL_MS, 0, 3_600_000),
                reader.string(ConfigKeys.CDC_HEARTBEAT_ACTION_QUERY),
                reader.millis(ConfigKeys.CDC_RESTART_BACKOFF_INITIAL_MS, 1, 600_000),
                reader.millis(ConfigKeys.CDC_RESTART_BACKOFF_MAX_MS, 1, 3_600_000),
                reader.millis(ConfigKeys.CDC_SLOT_CHECK_INTERVAL_MS, 1_000, 86_400_000),
                reader.settings().withPrefix(PASS_THROUGH_PREFIX));
        if (config.restartBackoffMax.compareTo(config.restartBackoffInitial) < 0) {
            reader.problem(ConfigKeys.CDC_RESTART_BACKOFF_MAX_MS.label() + " must be at least " + ConfigKeys.CDC_RESTART_BACKOFF_INITIAL_MS.label());
        }
        return config;
    }


    /** Records print every component: the URL's password and pass-through values (which may hold secrets) stay out. */
    @Override
    public String toString() {
        return "CdcConfig[enabled=" + enabled + ", db=" + db + ", slot=" + slotName + ", publication=" + publicationName
                + ", snapshotMode=" + snapshotMode + ", pollInterval=" + pollInterval + ", heartbeatInterval=" + heartbeatInterval
                + ", restartBackoff=" + restartBackoffInitial + ".." + restartBackoffMax + ", slotCheckInterval=" + slotCheckInterval
                + ", passThrough=" + passThrough.keySet() + "]";
    }
}
