package com.alignersync.source.poll;

import com.alignersync.portal.PostgrestClient;
import com.alignersync.portal.PostgrestException;
import com.alignersync.config.PollConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.ColumnType;
import com.alignersync.event.Input;
import com.alignersync.event.InvalidChangeException;
import com.alignersync.event.JsonRows;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.BatchResult;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.sink.Sink;
import com.alignersync.source.poll.PollSummary.PlannedChange;
import com.alignersync.source.poll.PollSummary.PollError;
import com.alignersync.state.PollState;
import com.alignersync.state.PollState.StoredCursor;
import com.alignersync.state.PollStateStore;
import com.alignersync.state.StateFileException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll: for each cursor, read pages after it (starting an overlap window behind it) until
 * a page is really short, apply each page to the sink, and only after the sink committed move
 * the cursor to the page's last row and save it. A REST or sink failure stops the read with
 * the stored cursor where it was. Never two polls at once. The next page (whose query needs
 * only the current page's last row) is fetched while the current one commits; the cursor
 * order is unchanged, and a prefetched page is used only after the previous page committed.
 */
public final class Poller {

    private static final Logger log = LoggerFactory.getLogger(Poller.class);

    /**
     * A cursor never moves past the portal's own clock (the {@code Date} of PostgREST's answer)
     * minus this: one row stamped in the future (a client clock ahead, local time stored as UTC)
     * would otherwise move the cursor there, and every later poll would read only rows newer
     * than it. Such rows are still applied (and re-read, as duplicates, until their time comes).
     * A few seconds also cover the header's one-second precision and commits still in flight.
     */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);

    private final PollConfig config;
    private final PostgrestClient client;
    private final Sink sink;
    private final DeadLetterLog deadLetters;
    private final PollStateStore store;
    private final Clock clock;
    private final ReentrantLock oneAtATime = new ReentrantLock();
    /** Fetches the next page while the previous one commits; its one thread ends when idle. */
    private final ExecutorService prefetcher = prefetchThread();

    /** Guarded by {@link #oneAtATime}; published to status through {@link #cursorsView}. */
    private volatile PollState state;
    private volatile Map<String, KeysetCursor> cursorsView = Map.of();
    private volatile Boolean notesHaveUpdatedAt;
    private volatile Boolean portalHasStamps;
    /** Guarded by {@link #oneAtATime}: the future-dated rows seen by the poll in progress, per stream. */
    private final List<String> futureRows = new ArrayList<>();
    private volatile String futureRowsWarning;
    /** Invalid rows no cursor can pass (an unreadable time, or one after the portal's clock), parked once per run: every poll re-reads them. */
    private final java.util.Set<String> parkedOncePerRun = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Poller(PollConfig config, PostgrestClient client, Sink sink, DeadLetterLog deadLetters,
                   PollStateStore store, Clock clock, PollState state) {
        this.config = config;
        this.client = client;
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.store = store;
        this.clock = clock;
        this.state = state;
        publishCursors();
    }

    /**
     * Reads the state file once; from then on this poller is its only writer.
     *
     * @throws StateFileException the state file is corrupt: refuse to start rather than guess
     */
    public static Poller open(PollConfig config, PostgrestClient client, Sink sink, DeadLetterLog deadLetters,
                              PollStateStore store, Clock clock) throws StateFileException {
        PollState state = store.load().orElse(PollState.empty());
        if (state.legacy()) {
            log.info("poll: {} was written by the Node.js poller (lastNotesSync {}, lastBatchesSync {}); starting from those"
                    + " watermarks and upgrading the file on the first committed page", store.file(), state.lastNotesSync(), state.lastBatchesSync());
        }
        return new Poller(config, client, sink, deadLetters, store, clock, state);
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

    /** The last poll's warning about rows dated after the portal's clock, or null. */
    public String futureRowsWarning() {
        return futureRowsWarning;
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
            futureRows.clear();
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
            futureRowsWarning = futureRows.isEmpty() ? null : String.join("; ", futureRows);
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
        boolean stamps = portalHasStamps();
        List<CursorStream> streams = new ArrayList<>(CursorStream.notes(notesHaveUpdatedAt(), stamps));
        streams.add(CursorStream.batches(stamps));
        return streams;
    }

    /**
     * Decided once: whether the portal has the origin stamps of this release's supabase-setup.sql
     * (asked for in {@code select} only then; without them the sink applies by version alone).
     */
    private boolean portalHasStamps() throws PostgrestException {
        if (portalHasStamps == null) {
            portalHasStamps = hasColumn(SourceTable.ALIGNER_BATCHES, "days_changed_by") && hasColumn(SourceTable.ALIGNER_NOTES, "read_changed_by");
            if (!portalHasStamps) {
                log.warn("poll: the portal has no origin stamps (days_changed_by, ...): run connector-config/supabase-setup.sql;"
                        + " until then changes are applied by version alone and the clinic's own changes are not told apart");
            }
        }
        return portalHasStamps;
    }

    /** PostgREST answers 400 with Postgres' 42703 for an unknown column in {@code select}. */
    private boolean hasColumn(SourceTable table, String column) throws PostgrestException {
        try {
            client.get(table.tableName(), "select=" + column + "&limit=1");
            return true;
        } catch (PostgrestException e) {
            if (e.status() != 400 || !"42703".equals(e.code())) {
                throw e;
            }
            return false;
        }
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
        FutureRows future = new FutureRows();
        PostgrestClient.Response response = client.fetch(stream.table().tableName(), stream.pageQuery(position, config.pageSize()));
        while (true) {
            JsonNode rows = response.rows();
            counts.page(rows.size());
            if (rows.isEmpty()) {
                break;
            }
            Instant portalNow = response.serverTime() != null ? response.serverTime() : clock.instant();
            // Rows whose cursor column cannot be parsed ('infinity', a year past 9999) sort after every
            // placeable one: nothing readable follows them, and no cursor can point past them.
            // A page is short only when it is below both what was asked and what the server has shown it
            // returns: a server cap (Supabase's 1000) below poll.page-size must not end the read.
            boolean shortPage = rows.size() < config.pageSize() && rows.size() < largestPage;
            largestPage = Math.max(largestPage, rows.size());
            KeysetCursor tail = positionOf(stream, rows.get(rows.size() - 1));
            boolean more = tail != null && !shortPage;
            // The next page's query needs only this page's last row: fetch it while this one is converted and
            // commits (the fetch is most of a page's time). The cursor still moves only after this page's commit;
            // a failure below drops the prefetch.
            Future<PostgrestClient.Response> next = more ? prefetch(stream, tail) : null;
            try {
                Page page = convert(stream, rows);
                future.note(page, portalNow);
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
                    // A row no cursor can pass (its time unreadable, or after the portal's clock) is re-read by every
                    // poll: it is parked once per run instead.
                    Instant cursorBound = portalNow.minus(CLOCK_MARGIN);
                    int parked = 0;
                    for (InvalidRow invalid : page.invalid()) {
                        boolean fresh = invalid.position() != null && !invalid.position().ts().isAfter(cursorBound)
                                ? invalid.position().isAfter(stored)
                                : parkedOncePerRun.add(stream.name() + "#" + invalid.row().path(stream.keyColumn()).asText()
                                        + "#" + invalid.row().path(stream.tsColumn()).asText());
                        if (fresh) {
                            deadLetters.parkRaw(Input.POLL, invalid.reason(), invalid.row());
                            parked++;
                        }
                    }
                    counts.invalid(parked);
                    if (page.last() != null) {
                        advance(stream, belowPortalClock(page.last(), portalNow));
                    }
                }
            } catch (PostgrestException | SinkUnavailableException | IOException | RuntimeException e) {
                if (next != null) {
                    next.cancel(true);
                }
                throw e;
            }
            if (!more) {
                break;
            }
            response = await(next, stream);
        }
        future.report(stream).ifPresent(futureRows::add);
        if (!dry && !state.cursors().containsKey(stream.name())) {
            // Nothing new yet: remember where this read started, so the next poll does not depend on the clock again.
            advance(stream, stored);
        }
    }

    private static ExecutorService prefetchThread() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "poll-prefetch");
            thread.setDaemon(true);
            return thread;
        });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** Fetches the page after {@code after} on the prefetch thread. */
    private Future<PostgrestClient.Response> prefetch(CursorStream stream, KeysetCursor after) {
        String query = stream.pageQuery(after, config.pageSize());
        return prefetcher.submit(() -> client.fetch(stream.table().tableName(), query));
    }

    /** The prefetched page, or the fetch's own failure, as if it had been fetched here. */
    private static PostgrestClient.Response await(Future<PostgrestClient.Response> next, CursorStream stream) throws PostgrestException {
        try {
            return next.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PostgrestException failed) {
                throw failed;
            }
            if (e.getCause() instanceof RuntimeException unexpected) {
                throw unexpected;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            next.cancel(true);
            Thread.currentThread().interrupt();
            throw new PostgrestException(0, null, "GET " + stream.table().tableName() + " interrupted", null, null, e);
        }
    }

    /** The cursor a committed page may move to: its last row, but never later than the portal's clock minus {@link #CLOCK_MARGIN}. */
    private static KeysetCursor belowPortalClock(KeysetCursor last, Instant portalNow) {
        Instant bound = portalNow.minus(CLOCK_MARGIN);
        return last.ts().isAfter(bound) ? KeysetCursor.startingAt(bound) : last;
    }

    /** Rows of one stream's read dated after the portal's clock: warned about (log, status), applied all the same. */
    private static final class FutureRows {
        private int count;
        private KeysetCursor latest;
        private Instant portalNow;

        void note(Page page, Instant now) {
            // The Date header has one-second precision: only a row more than a second ahead is "in the future".
            Instant limit = now.plusSeconds(1);
            for (KeysetCursor position : page.placed()) {
                if (position.ts().isAfter(limit)) {
                    count++;
                    latest = latest == null || position.isAfter(latest) ? position : latest;
                    portalNow = now;
                }
            }
        }

        java.util.Optional<String> report(CursorStream stream) {
            if (count == 0) {
                return java.util.Optional.empty();
            }
            String warning = stream.name() + ": " + count + " row(s) dated after the portal's clock (" + portalNow + "), latest "
                    + latest + "; applied, the cursor stays at the portal's clock minus " + CLOCK_MARGIN.toSeconds()
                    + " s (check the clock of whatever wrote them)";
            log.warn("poll {}", warning);
            return java.util.Optional.of(warning);
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

    /**
     * @param placed       the keyset positions of the rows whose cursor column could be read
     * @param last         the last of them (null when none)
     */
    private record Page(List<ChangeEvent> events, List<InvalidRow> invalid, List<KeysetCursor> placed, KeysetCursor last) {
    }

    private Page convert(CursorStream stream, JsonNode rows) throws PostgrestException {
        List<ChangeEvent> events = new ArrayList<>(rows.size());
        List<InvalidRow> invalid = new ArrayList<>();
        List<KeysetCursor> placed = new ArrayList<>(rows.size());
        KeysetCursor last = null;
        for (JsonNode row : rows) {
            KeysetCursor position = positionOf(stream, row);
            if (position == null) {
                log.warn("poll {}: row {}={} has a {} that cannot be read as a timestamp ({}); parking it as a dead letter,"
                        + " the cursor passes it", stream.name(), stream.keyColumn(), row.get(stream.keyColumn()), stream.tsColumn(),
                        row.get(stream.tsColumn()));
                invalid.add(new InvalidRow(null, "REST row of " + stream.table().tableName() + " has an unreadable "
                        + stream.tsColumn() + " (" + row.get(stream.tsColumn()) + "): it cannot be placed in the poll order", row));
                continue;
            }
            placed.add(position);
            last = position;
            try {
                if (!(row instanceof ObjectNode object)) {
                    throw new InvalidChangeException("row", "is not a JSON object");
                }
                // Walks the tree directly: convertValue gave the same map through a token buffer, a fifth of this loop.
                events.add(ChangeEvents.of(Input.POLL, stream.table(), Op.READ, null, JsonRows.toMap(object)));
            } catch (InvalidChangeException e) {
                log.warn("poll {}: row {} can never apply ({}); parking it as a dead letter, the cursor passes it",
                        stream.name(), position, e.getMessage());
                invalid.add(new InvalidRow(position, "REST row of " + stream.table().tableName() + " is invalid: " + e.getMessage(), row));
            }
        }
        return new Page(events, invalid, placed, last);
    }

    /**
     * A row's place in the keyset, or null when its timestamp cannot be read (Postgres'
     * {@code infinity}, a year past 9999): such a row is parked, not a reason to stop. PostgREST
     * orders by these columns, so they are always present; a row without its key or timestamp is
     * a server we do not understand, not a bad row to skip.
     */
    private static KeysetCursor positionOf(CursorStream stream, JsonNode row) throws PostgrestException {
        JsonNode ts = row.get(stream.tsColumn());
        JsonNode key = row.get(stream.keyColumn());
        if (ts != null && ts.isTextual() && key != null && key.canConvertToLong() && key.isIntegralNumber()) {
            try {
                return new KeysetCursor((Instant) ColumnType.TIMESTAMP.canonical(ts.asText()), key.asLong());
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                return null;
            }
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
