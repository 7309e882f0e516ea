package com.alignersync.source.poll;

import com.alignersync.status.FailureKind;
import com.alignersync.config.PollConfig;
import com.alignersync.portal.PostgrestClient;
import com.alignersync.portal.PostgrestException;
import com.alignersync.sink.BatchResult;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.Sink;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.source.poll.PollSummary.PollError;
import com.alignersync.state.PollState;
import com.alignersync.state.PollStateStore;
import com.alignersync.state.StateFileException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll: for each cursor, read pages after it (starting an overlap window behind it) until
 * a page is really short, apply each page to the sink, and only after the sink committed move
 * the cursor to the page's last row and save it. A REST or sink failure stops the read with
 * the stored cursor where it was. Never two polls at once. The next page is fetched while the
 * current one commits ({@link PageFetcher}); a prefetched page is used only after the previous
 * page committed. Rows become changes in {@link RowMapper}, cursors are kept by
 * {@link PollCursors}, and which streams there are is decided by {@link StreamProbe}.
 */
public final class Poller {

    private static final Logger log = LoggerFactory.getLogger(Poller.class);

    private final PollConfig config;
    private final Sink sink;
    private final PollStateStore store;
    private final Clock clock;
    private final StreamProbe probe;
    private final PageFetcher pages;
    private final PollCursors cursors;
    private final InvalidRowParker parker;
    private final ReentrantLock oneAtATime = new ReentrantLock();
    /** Guarded by {@link #oneAtATime}: the future-dated rows seen by the poll in progress, per stream. */
    private final List<String> futureRows = new ArrayList<>();
    private volatile String futureRowsWarning;

    private Poller(PollConfig config, PostgrestClient client, Sink sink, DeadLetterLog deadLetters,
                   PollStateStore store, Clock clock, PollState state) {
        this.config = config;
        this.sink = sink;
        this.store = store;
        this.clock = clock;
        this.probe = new StreamProbe(config.notesCursor(), client);
        this.pages = new PageFetcher(client, config.pageSize());
        this.cursors = new PollCursors(store, state, clock, config.initialLookback());
        this.parker = new InvalidRowParker(deadLetters);
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
        return cursors.view();
    }

    public String notesCursorMode() {
        return probe.notesCursorMode();
    }

    /** The last poll's warning about rows dated after the portal's clock, or null. */
    public String futureRowsWarning() {
        return futureRowsWarning;
    }

    public Instant lastPollTime() {
        return cursors.lastPollTime();
    }

    public PollStateStore store() {
        return store;
    }

    private PollSummary run(boolean dry) {
        oneAtATime.lock();
        try {
            Instant startedAt = clock.instant();
            long started = System.nanoTime();
            log.info("poll started{}: cursors {}", dry ? " (dry run, nothing is written)" : "", cursors.view());
            List<StreamCounts> done = new ArrayList<>();
            PlannedChanges planned = new PlannedChanges();
            PollError error = null;
            futureRows.clear();
            List<CursorStream> streams = List.of();
            try {
                streams = probe.streams();
            } catch (PostgrestException e) {
                error = restError("aligner_notes (probe for updated_at)", e);
            }
            for (CursorStream stream : streams) {
                StreamCounts.Builder counts = new StreamCounts.Builder(stream.name());
                PollError failed = null;
                try {
                    readStream(stream, counts, dry, planned);
                } catch (PostgrestException e) {
                    failed = restError(stream.name(), e);
                } catch (SinkUnavailableException e) {
                    failed = new PollError(FailureKind.SINK, stream.name(), e.getMessage(), null);
                    log.warn("poll {}: sink unavailable, cursor kept at {}: {}", stream.name(), cursors.view().get(stream.name()), e.getMessage());
                } catch (IOException e) {
                    failed = new PollError(FailureKind.STATE, stream.name(), "cannot write " + store.file() + ": " + e.getMessage(), null);
                    log.error("poll {}: cannot save the cursor to {}: {}", stream.name(), store.file(), e.getMessage());
                }
                StreamCounts finished = counts.done(dry ? null : cursors.view().get(stream.name()));
                done.add(finished);
                logStream(finished, dry);
                if (failed != null) {
                    error = error == null ? failed : error;
                    // The sink being down fails every table alike; a REST error may be one table's (a permission, a column).
                    if (failed.kind() != FailureKind.REST) {
                        break;
                    }
                }
            }
            if (!dry && error == null) {
                try {
                    cursors.pollSucceeded();
                } catch (IOException e) {
                    error = new PollError(FailureKind.STATE, null, "cannot write " + store.file() + ": " + e.getMessage(), null);
                }
            }
            futureRowsWarning = futureRows.isEmpty() ? null : String.join("; ", futureRows);
            long millis = (System.nanoTime() - started) / 1_000_000;
            PollSummary summary = new PollSummary(startedAt, millis, dry, done, error, planned.listed(), planned.total());
            logSummary(summary, planned.total());
            return summary;
        } finally {
            oneAtATime.unlock();
        }
    }

    private void readStream(CursorStream stream, StreamCounts.Builder counts, boolean dry, PlannedChanges planned)
            throws PostgrestException, SinkUnavailableException, IOException {
        KeysetCursor stored = cursors.start(stream);
        int largestPage = 0;
        FutureRows future = new FutureRows();
        PostgrestClient.Response response = pages.fetch(stream, KeysetCursor.startingAt(stored.ts().minus(config.overlap())));
        while (true) {
            JsonNode rows = response.rows();
            counts.page(rows.size());
            if (rows.isEmpty()) {
                break;
            }
            Instant portalNow = response.serverTime() != null ? response.serverTime() : clock.instant();
            boolean shortPage = pages.isShort(rows.size(), largestPage);
            largestPage = Math.max(largestPage, rows.size());
            // Rows whose cursor column cannot be parsed ('infinity', a year past 9999) sort after every
            // placeable one: nothing readable follows them, and no cursor can point past them.
            KeysetCursor tail = RowMapper.positionOf(stream, rows.get(rows.size() - 1));
            boolean more = tail != null && !shortPage;
            // The cursor still moves only after this page's commit; a failure below drops the prefetch.
            Future<PostgrestClient.Response> next = more ? pages.prefetch(stream, tail) : null;
            try {
                PolledPage page = RowMapper.map(stream, rows);
                future.note(page, portalNow);
                if (dry) {
                    preview(page, counts, planned);
                } else {
                    commit(stream, page, counts, stored, portalNow);
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
            response = PageFetcher.await(next, stream);
        }
        future.report(stream).ifPresent(futureRows::add);
        if (!dry && !cursors.has(stream)) {
            // Nothing new yet: remember where this read started, so the next poll does not depend on the clock again.
            cursors.advance(stream, stored);
        }
    }

    /** A dry run's page: what the sink would decide, counted; nothing written. */
    private void preview(PolledPage page, StreamCounts.Builder counts, PlannedChanges planned) throws SinkUnavailableException {
        List<Outcome> verdicts = sink.preview(page.events());
        for (int i = 0; i < verdicts.size(); i++) {
            counts.outcome(verdicts.get(i), 1);
            if (verdicts.get(i) == Outcome.APPLIED) {
                planned.add(page.events().get(i));
            }
        }
        counts.invalid(page.invalid().size());
    }

    /** Applies a page, parks its invalid rows, and only then moves the stream's cursor. */
    private void commit(CursorStream stream, PolledPage page, StreamCounts.Builder counts, KeysetCursor stored, Instant portalNow)
            throws SinkUnavailableException, IOException {
        BatchResult result = sink.apply(page.events());
        result.counts().forEach(counts::outcome);
        counts.invalid(parker.park(stream, page.invalid(), stored, portalNow));
        if (page.last() != null) {
            cursors.advance(stream, page.last(), portalNow);
        }
    }

    private static PollError restError(String stream, PostgrestException e) {
        log.warn("poll {}: REST request failed, cursor kept: {}", stream, e.describe());
        return new PollError(FailureKind.REST, stream, e.describe(), e.toMap());
    }

    private static void logStream(StreamCounts counts, boolean dry) {
        log.info("poll {}{}: {} rows fetched in {} pages, {} applied, {} unchanged, {} duplicate, {} stale, {} ignored, {} dead letters; cursor {}",
                counts.stream(), dry ? " (dry run)" : "", counts.fetched(), counts.pages(), counts.count(Outcome.APPLIED),
                counts.count(Outcome.UNCHANGED), counts.count(Outcome.DUPLICATE), counts.count(Outcome.STALE),
                counts.count(Outcome.IGNORED), counts.count(Outcome.DEAD_LETTER) + counts.invalid(), counts.cursor());
    }

    private static void logSummary(PollSummary summary, int wouldApply) {
        PollError error = summary.error();
        boolean dry = summary.dryRun();
        if (error == null) {
            log.info("poll complete{}: {} rows fetched, {} applied, {} unchanged, {} duplicate, {} stale, {} ignored, {} dead letters in {} ms",
                    dry ? " (dry run: " + wouldApply + " would apply)" : "", summary.fetched(), summary.total(Outcome.APPLIED),
                    summary.total(Outcome.UNCHANGED), summary.total(Outcome.DUPLICATE), summary.total(Outcome.STALE),
                    summary.total(Outcome.IGNORED), summary.total(Outcome.DEAD_LETTER) + summary.invalid(), summary.millis());
        } else {
            log.warn("poll failed{} after {} ms ({} rows fetched, {} applied before it): {} {}: {}; the cursors of what did not commit are kept",
                    dry ? " (dry run)" : "", summary.millis(), summary.fetched(), summary.total(Outcome.APPLIED), error.kind(),
                    error.stream() == null ? "" : error.stream(), error.message());
        }
    }
}
