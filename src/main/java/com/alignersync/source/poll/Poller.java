package com.alignersync.source.poll;

import com.alignersync.config.PollConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.ColumnType;
import com.alignersync.event.Input;
import com.alignersync.event.InvalidChangeException;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.BatchResult;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.source.poll.PollSummary.PlannedChange;
import com.alignersync.source.poll.PollSummary.PollError;
import com.alignersync.state.PollState;
import com.alignersync.state.PollState.StoredCursor;
import com.alignersync.state.PollStateStore;
import com.alignersync.state.StateFileException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll: for each cursor, read pages after it (starting an overlap window behind it) until
 * a page is really short, apply each page to the sink, and only after the sink committed move
 * the cursor to the page's last row and save it. A REST or sink failure stops the read with
 * the stored cursor where it was. Never two polls at once.
 */
public final class Poller {

    private static final Logger log = LoggerFactory.getLogger(Poller.class);

    private final PollConfig config;
    private final PostgrestClient client;
    private final SqlServerSink sink;
    private final DeadLetterLog deadLetters;
    private final PollStateStore store;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final ReentrantLock oneAtATime = new ReentrantLock();

    /** Guarded by {@link #oneAtATime}; published to status through {@link #cursorsView}. */
    private volatile PollState state;
    private volatile Map<String, KeysetCursor> cursorsView = Map.of();
    private volatile Boolean notesHaveUpdatedAt;

    private Poller(PollConfig config, PostgrestClient client, SqlServerSink sink, DeadLetterLog deadLetters,
                   PollStateStore store, Clock clock, ObjectMapper mapper, PollState state) {
        this.config = config;
        this.client = client;
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.store = store;
        this.clock = clock;
        this.mapper = mapper;
        this.state = state;
        publishCursors();
    }

    /**
     * Reads the state file once; from then on this poller is its only writer.
     *
     * @throws StateFileException the state file is corrupt: refuse to start rather than guess
     */
    public static Poller open(PollConfig config, PostgrestClient client, SqlServerSink sink, DeadLetterLog deadLetters,
                              PollStateStore store, Clock clock, ObjectMapper mapper) throws StateFileException {
        PollState state = store.load().orElse(PollState.empty());
        if (state.legacy()) {
            log.info("poll: {} was written by the Node.js poller (lastNotesSync {}, lastBatchesSync {}); starting from those"
                    + " watermarks and upgrading the file on the first committed page", store.file(), state.lastNotesSync(), state.lastBatchesSync());
        }
        return new Poller(config, client, sink, deadLetters, store, clock, mapper, state);
    }

    /** Runs one poll now, or waits for the one running and then runs. */
    public PollSummary poll() {
        return run(false);
    }

    /** Reads the same pages a poll would and reports what the sink would apply: writes nothing, moves no cursor. */
    public PollSummary dryRun() {
        return run(true);
    }

    /** The cursors as last committed (or as loaded), by name. */
    public Map<String, KeysetCursor> cursors() {
        return cursorsView;
    }

    public String notesCursorMode() {
        Boolean probed = notesHaveUpdatedAt;
        return switch (config.notesCursor()) {
            case UPDATED_AT -> "updated_at";
            case CREATED_EDITED -> "created_at + edited_at";
            case AUTO -> probed == null ? "auto (not probed yet)" : probed ? "updated_at (probed)" : "created_at + edited_at (probed)";
        };
    }

    public Instant lastPollTime() {
        return state.lastPollTime();
    }

    public PollStateStore store() {
        return store;
    }

    private PollSummary run(boolean dry) {
        oneAtATime.lock();
        try {
            Instant startedAt = clock.instant();
            long started = System.nanoTime();
            log.info("poll started{}: cursors {}", dry ? " (dry run, nothing is written)" : "", cursorsView);
            List<StreamCounts> done = new ArrayList<>();
            List<PlannedChange> planned = new ArrayList<>();
            int[] plannedTotal = {0};
            PollError error = null;
            List<CursorStream> streams = List.of();
            try {
                streams = streams();
            } catch (PostgrestException e) {
                error = restError("aligner_notes (probe for updated_at)", e);
            }
            for (CursorStream stream : streams) {
                StreamCounts.Builder counts = new StreamCounts.Builder(stream.name());
                PollError failed = null;
                try {
                    readStream(stream, counts, dry, planned, plannedTotal);
                } catch (PostgrestException e) {
                    failed = restError(stream.name(), e);
                } catch (SinkUnavailableException e) {
                    failed = new PollError("sink", stream.name(), e.getMessage(), null);
                    log.warn("poll {}: sink unavailable, cursor kept at {}: {}", stream.name(), cursorsView.get(stream.name()), e.getMessage());
                } catch (IOException e) {
                    failed = new PollError("state", stream.name(), "cannot write " + store.file() + ": " + e.getMessage(), null);
                    log.error("poll {}: cannot save the cursor to {}: {}", stream.name(), store.file(), e.getMessage());
                }
                StreamCounts finished = counts.done(dry ? null : cursorsView.get(stream.name()));
                done.add(finished);
                logStream(finished, dry);
                if (failed != null) {
                    error = error == null ? failed : error;
                    // The sink being down fails every table alike; a REST error may be one table's (a permission, a column).
                    if (!"rest".equals(failed.kind())) {
                        break;
                    }
                }
            }
            if (!dry && error == null) {
                try {
                    state = new PollState(state.cursors(), state.lastNotesSync(), state.lastBatchesSync(), clock.instant(), false);
                    store.save(state);
                } catch (IOException e) {
                    error = new PollError("state", null, "cannot write " + store.file() + ": " + e.getMessage(), null);
                }
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            PollSummary summary = new PollSummary(startedAt, millis, dry, done, error, planned, plannedTotal[0]);
            if (error == null) {
                log.info("poll complete{}: {} rows fetched, {} applied, {} unchanged, {} duplicate, {} stale, {} ignored, {} dead letters in {} ms",
                        dry ? " (dry run: " + plannedTotal[0] + " would apply)" : "", summary.fetched(), summary.total(Outcome.APPLIED),
                        summary.total(Outcome.UNCHANGED), summary.total(Outcome.DUPLICATE), summary.total(Outcome.STALE),
                        summary.total(Outcome.IGNORED), summary.total(Outcome.DEAD_LETTER) + summary.invalid(), millis);
            } else {
                log.warn("poll failed{} after {} ms ({} rows fetched, {} applied before it): {} {}: {}; the cursors of what did not commit are kept",
                        dry ? " (dry run)" : "", millis, summary.fetched(), summary.total(Outcome.APPLIED), error.kind(),
                        error.stream() == null ? "" : error.stream(), error.message());
            }
            return summary;
        } finally {
            oneAtATime.unlock();
        }
    }

    private List<CursorStream> streams() throws PostgrestException {
        List<CursorStream> streams = new ArrayList<>(CursorStream.notes(notesHaveUpdatedAt()));
        streams.add(CursorStream.batches());
        return streams;
    }

    /** Decided once: PostgREST answers 400 with Postgres' 42703 for an unknown column in {@code select}. */
    private boolean notesHaveUpdatedAt() throws PostgrestException {
        switch (config.notesCursor()) {
            case UPDATED_AT:
                return true;
            case CREATED_EDITED:
                return false;
            default:
                break;
        }
        if (notesHaveUpdatedAt == null) {
            try {
                client.get(SourceTable.ALIGNER_NOTES.tableName(), "select=updated_at&limit=1");
                notesHaveUpdatedAt = true;
            } catch (PostgrestException e) {
                if (e.status() != 400 || !"42703".equals(e.code())) {
                    throw e;
                }
                notesHaveUpdatedAt = false;
            }
            log.info("poll: aligner_notes {} updated_at; reading notes by {}", notesHaveUpdatedAt ? "has" : "has no",
                    notesHaveUpdatedAt ? "(updated_at, note_id)" : "(created_at, note_id) and (edited_at, note_id)");
        }
        return notesHaveUpdatedAt;
    }

    private void readStream(CursorStream stream, StreamCounts.Builder counts, boolean dry, List<PlannedChange> planned,
                            int[] plannedTotal) throws PostgrestException, SinkUnavailableException, IOException {
        KeysetCursor stored = storedCursor(stream);
        KeysetCursor position = KeysetCursor.startingAt(stored.ts().minus(config.overlap()));
        int largestPage = 0;
        while (true) {
            JsonNode rows = client.get(stream.table().tableName(), stream.pageQuery(position, config.pageSize()));
            counts.page(rows.size());
            if (rows.isEmpty()) {
                break;
            }
            Page page = convert(stream, rows);
            if (dry) {
                List<Outcome> verdicts = sink.preview(page.events());
                for (int i = 0; i < verdicts.size(); i++) {
                    counts.outcome(verdicts.get(i), 1);
                    if (verdicts.get(i) == Outcome.APPLIED) {
                        ChangeEvent event = page.events().get(i);
                        if (planned.size() < PollSummary.PLANNED_LIMIT) {
                            planned.add(new PlannedChange(event.table().tableName(), event.key(), event.version(), "apply"));
                        }
                        plannedTotal[0]++;
                    }
                }
                counts.invalid(page.invalid().size());
            } else {
                BatchResult result = sink.apply(page.events());
                result.counts().forEach(counts::outcome);
                // Rows at or behind the stored cursor were seen (and parked) by an earlier poll: the overlap re-reads them.
                int parked = 0;
                for (InvalidRow invalid : page.invalid()) {
                    if (invalid.position().isAfter(stored)) {
                        deadLetters.parkRaw(Input.POLL, invalid.reason(), invalid.row());
                        parked++;
                    }
                }
                counts.invalid(parked);
                advance(stream, page.last());
            }
            position = page.last();
            // A page is short only when it is below both what was asked and what the server has shown it
            // returns: a server cap (Supabase's 1000) below poll.page-size must not end the read.
            boolean shortPage = rows.size() < config.pageSize() && rows.size() < largestPage;
            largestPage = Math.max(largestPage, rows.size());
            if (shortPage) {
                break;
            }
        }
        if (!dry && !state.cursors().containsKey(stream.name())) {
            // Nothing new yet: remember where this read started, so the next poll does not depend on the clock again.
            advance(stream, stored);
        }
    }

    /** The stored cursor of a stream, else the Node.js poller's watermark of its table, else the configured look-back. */
    private KeysetCursor storedCursor(CursorStream stream) {
        StoredCursor stored = state.cursors().get(stream.name());
        if (stored != null) {
            return KeysetCursor.of(stored);
        }
        Instant legacy = stream.table() == SourceTable.ALIGNER_NOTES ? state.lastNotesSync() : state.lastBatchesSync();
        if (legacy != null) {
            return KeysetCursor.startingAt(legacy);
        }
        return KeysetCursor.startingAt(clock.instant().minus(config.initialLookback()));
    }

    /** Moves a cursor forward (never back: the overlap re-reads rows behind it) and saves the state file. */
    private void advance(CursorStream stream, KeysetCursor committed) throws IOException {
        StoredCursor current = state.cursors().get(stream.name());
        if (current != null && !committed.isAfter(KeysetCursor.of(current))) {
            return;
        }
        Map<String, StoredCursor> cursors = new LinkedHashMap<>(state.cursors());
        cursors.put(stream.name(), committed.stored());
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
        publishCursors();
    }

    private void publishCursors() {
        Map<String, KeysetCursor> view = new LinkedHashMap<>();
        state.cursors().forEach((name, cursor) -> view.put(name, KeysetCursor.of(cursor)));
        cursorsView = Map.copyOf(view);
    }

    private record InvalidRow(KeysetCursor position, String reason, JsonNode row) {
    }

    private record Page(List<ChangeEvent> events, List<InvalidRow> invalid, KeysetCursor last) {
    }

    private Page convert(CursorStream stream, JsonNode rows) throws PostgrestException {
        List<ChangeEvent> events = new ArrayList<>(rows.size());
        List<InvalidRow> invalid = new ArrayList<>();
        KeysetCursor last = null;
        for (JsonNode row : rows) {
            KeysetCursor position = positionOf(stream, row);
            last = position;
            try {
                if (!row.isObject()) {
                    throw new InvalidChangeException("row", "is not a JSON object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> values = mapper.convertValue(row, LinkedHashMap.class);
                events.add(ChangeEvents.of(Input.POLL, stream.table(), Op.READ, null, values));
            } catch (InvalidChangeException e) {
                log.warn("poll {}: row {} can never apply ({}); parking it as a dead letter, the cursor passes it",
                        stream.name(), position, e.getMessage());
                invalid.add(new InvalidRow(position, "REST row of " + stream.table().tableName() + " is invalid: " + e.getMessage(), row));
            }
        }
        return new Page(events, invalid, last);
    }

    /**
     * A row's place in the keyset. PostgREST orders by these columns, so they are always present
     * and typed; a row without them is a server we do not understand, not a bad row to skip.
     */
    private static KeysetCursor positionOf(CursorStream stream, JsonNode row) throws PostgrestException {
        JsonNode ts = row.get(stream.tsColumn());
        JsonNode key = row.get(stream.keyColumn());
        try {
            if (ts != null && ts.isTextual() && key != null && key.canConvertToLong() && key.isIntegralNumber()) {
                return new KeysetCursor((Instant) ColumnType.TIMESTAMP.canonical(ts.asText()), key.asLong());
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new PostgrestException(200, null, stream.table().tableName() + " returned a row without a usable " + stream.tsColumn()
                + " or " + stream.keyColumn() + "; the poll cannot place it in the keyset order", null, null, null);
    }

    private static PollError restError(String stream, PostgrestException e) {
        log.warn("poll {}: REST request failed, cursor kept: {}", stream, e.describe());
        return new PollError("rest", stream, e.describe(), e.toMap());
    }

    private static void logStream(StreamCounts counts, boolean dry) {
        log.info("poll {}{}: {} rows fetched in {} pages, {} applied, {} unchanged, {} duplicate, {} stale, {} ignored, {} dead letters; cursor {}",
                counts.stream(), dry ? " (dry run)" : "", counts.fetched(), counts.pages(), counts.count(Outcome.APPLIED),
                counts.count(Outcome.UNCHANGED), counts.count(Outcome.DUPLICATE), counts.count(Outcome.STALE),
                counts.count(Outcome.IGNORED), counts.count(Outcome.DEAD_LETTER) + counts.invalid(), counts.cursor());
    }
}
