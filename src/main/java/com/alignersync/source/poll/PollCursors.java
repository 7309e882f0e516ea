package com.alignersync.source.poll;

import com.alignersync.event.SourceTable;
import com.alignersync.state.PollState;
import com.alignersync.state.PollState.StoredCursor;
import com.alignersync.state.PollStateStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The poll's cursors and the state file that keeps them: where each stream's read starts, and
 * moving a cursor (forward only, saved at once) after the sink committed a page. Only the poller
 * holding its one-at-a-time lock writes; status reads the published copy.
 */
final class PollCursors {

    /**
     * A cursor never moves past the portal's own clock (the {@code Date} of PostgREST's answer)
     * minus this: one row stamped in the future (a client clock ahead, local time stored as UTC)
     * would otherwise move the cursor there, and every later poll would read only rows newer
     * than it. Such rows are still applied (and re-read, as duplicates, until their time comes).
     * A few seconds also cover the header's one-second precision and commits still in flight.
     */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);

    private final PollStateStore store;
    private final Clock clock;
    private final Duration initialLookback;
    private volatile PollState state;
    private volatile Map<String, KeysetCursor> view = Map.of();

    PollCursors(PollStateStore store, PollState state, Clock clock, Duration initialLookback) {
        this.store = store;
        this.clock = clock;
        this.initialLookback = initialLookback;
        this.state = state;
        publish();
    }

    /** The cursors as last committed (or as loaded), by name. */
    Map<String, KeysetCursor> view() {
        return view;
    }

    Instant lastPollTime() {
        return state.lastPollTime();
    }

    /** The stored cursor of a stream, else the Node.js poller's watermark of its table, else the configured look-back. */
    KeysetCursor start(CursorStream stream) {
        StoredCursor stored = state.cursors().get(stream.name());
        if (stored != null) {
            return KeysetCursor.of(stored);
        }
        Instant legacy = stream.table() == SourceTable.ALIGNER_NOTES ? state.lastNotesSync() : state.lastBatchesSync();
        if (legacy != null) {
            return KeysetCursor.startingAt(legacy);
        }
        return KeysetCursor.startingAt(clock.instant().minus(initialLookback));
    }

    /** Whether the state file holds a cursor of this stream (not only a watermark or the look-back). */
    boolean has(CursorStream stream) {
        return state.cursors().containsKey(stream.name());
    }

    /**
     * Moves a cursor forward after a commit (never back: the overlap re-reads rows behind it), but
     * never past the portal's clock minus {@link #CLOCK_MARGIN}, and saves the state file.
     */
    void advance(CursorStream stream, KeysetCursor committed, Instant portalNow) throws IOException {
        Instant bound = portalNow.minus(CLOCK_MARGIN);
        advance(stream, committed.ts().isAfter(bound) ? KeysetCursor.startingAt(bound) : committed);
    }

    /** Moves a cursor forward (never back: the overlap re-reads rows behind it) and saves the state file. */
    void advance(CursorStream stream, KeysetCursor committed) throws IOException {
        StoredCursor current = state.cursors().get(stream.name());
        if (current != null && !committed.isAfter(KeysetCursor.of(current))) {
            return;
        }
        Map<String, StoredCursor> cursors = new LinkedHashMap<>(state.cursors());
        cursors.put(stream.name(), committed.stored());
        // The Node.js poller's watermarks are kept up to date too: notes at the earliest of its cursors.
        Instant notes = null;
        Instant batches = state.lastBatchesSync();
        for (Map.Entry<String, StoredCursor> entry : cursors.entrySet()) {
            if (entry.getKey().startsWith(SourceTable.ALIGNER_NOTES.tableName() + ".")) {
                Instant ts = entry.getValue().ts();
                notes = notes == null || ts.isBefore(notes) ? ts : notes;
            } else if (entry.getKey().startsWith(SourceTable.ALIGNER_BATCHES.tableName() + ".")) {
                batches = entry.getValue().ts();
            }
        }
        PollState next = new PollState(cursors, notes != null ? notes : state.lastNotesSync(), batches, state.lastPollTime(), false);
        store.save(next);
        state = next;
        publish();
    }

    /** Records a poll that read every stream without error, and saves the state file. */
    void pollSucceeded() throws IOException {
        state = new PollState(state.cursors(), state.lastNotesSync(), state.lastBatchesSync(), clock.instant(), false);
        store.save(state);
    }

    private void publish() {
        Map<String, KeysetCursor> published = new LinkedHashMap<>();
        state.cursors().forEach((name, cursor) -> published.put(name, KeysetCursor.of(cursor)));
        view = Map.copyOf(published);
    }
}
