package com.alignersync.state;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code data/reverse-sync-state.json} holds: the poll cursors, and the three keys of the
 * earlier Node.js poller kept so that either program can read the file.
 *
 * @param cursors         per cursor name (e.g. {@code aligner_batches.updated_at}) the last
 *                        committed row's timestamp and key; empty in a file the Node.js poller wrote
 * @param lastNotesSync   the oldest notes cursor timestamp (Node.js poller's key); null if none
 * @param lastBatchesSync the batches cursor timestamp (Node.js poller's key); null if none
 * @param lastPollTime    when the last poll finished (the local clock; reporting only, never a cursor)
 * @param legacy          read from a file the Node.js poller wrote (no {@code cursors} yet)
 */
public record PollState(Map<String, StoredCursor> cursors, Instant lastNotesSync, Instant lastBatchesSync,
                        Instant lastPollTime, boolean legacy) {

    /**
     * One keyset position: the row's timestamp and key.
     *
     * @param key null means "before every key at this timestamp" (a position upgraded from the
     *            Node.js poller's timestamp-only watermark, or set by {@code --reset-cursor --since})
     */
    public record StoredCursor(Instant ts, Long key) {
    }

    public PollState {
        cursors = Collections.unmodifiableMap(new LinkedHashMap<>(cursors));
    }

    public static PollState empty() {
        return new PollState(Map.of(), null, null, null, false);
    }
}
