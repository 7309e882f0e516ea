package com.alignersync.source.poll;

import static com.alignersync.source.poll.support.PollFixture.NOW;
import static com.alignersync.source.poll.support.PollFixture.clinicBatches;
import static com.alignersync.source.poll.support.PollFixture.config;
import static com.alignersync.source.poll.support.PollFixture.pg;
import static com.alignersync.source.poll.support.PollFixture.poller;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.status.FailureKind;
import com.alignersync.config.PollConfig;
import com.alignersync.config.PollConfig.NotesCursor;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.source.poll.support.PollFixture;
import com.alignersync.state.PollStateStore;
import com.alignersync.state.StateFileException;
import com.alignersync.source.poll.support.PortalBehindRest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The poll input end to end: real Postgres behind the fake PostgREST, the real sink into H2. */
class PollerTest extends PortalBehindRest {

    @TempDir
    Path dataDir;
    H2ClinicTarget clinic;

    @BeforeEach
    void setUp() throws Exception {
        clinic = new H2ClinicTarget();
    }

    @AfterEach
    void tearDown() {
        clinic.close();
    }

    private void portalBatches(int from, int to, Instant updatedAt) throws Exception {
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days, updated_at)"
                + " SELECT g, 1, 10, " + pg(updatedAt) + " FROM generate_series(" + from + ", " + to + ") g");
    }

    private int daysOf(long batchId) throws Exception {
        return ((Number) clinic.batch(batchId).get("DAYS")).intValue();
    }

    @ParameterizedTest(name = "page-size {0}, server cap 1000")
    @ValueSource(ints = {700, 1000, 5000})
    void rowsSharingOneUpdatedAtAcrossPageBoundariesAreAllAppliedExactlyOnce(int pageSize) throws Exception {
        Instant shared = NOW.minus(1, ChronoUnit.HOURS);
        portalBatches(1, 2500, shared);
        clinicBatches(clinic, 1, 2500);
        Poller poller = poller(config(rest.restUrl(), pageSize, Duration.ofSeconds(10), NotesCursor.CREATED_EDITED), clinic, dataDir);
        int seeded = clinic.writes();

        PollSummary summary = poller.poll();

        assertTrue(summary.ok(), () -> String.valueOf(summary.error()));
        StreamCounts batches = stream(summary, "aligner_batches.updated_at");
        assertEquals(2500, batches.fetched(), "every row read once, none twice");
        assertEquals(2500, batches.count(Outcome.APPLIED));
        assertEquals(2500, clinic.writes() - seeded, "one write per row");
        assertEquals(10, daysOf(1));
        assertEquals(10, daysOf(2500));
        assertEquals(new KeysetCursor(shared, 2500L), poller.cursors().get("aligner_batches.updated_at"));
    }

    @Test
    void aRowCommittedLateWithAnOlderTimestampInsideTheOverlapIsCaught() throws Exception {
        Instant t0 = NOW.minus(30, ChronoUnit.MINUTES);
        portalBatches(1, 1, t0);
        clinicBatches(clinic, 1, 3);
        Poller poller = poller(config(rest.restUrl()), clinic, dataDir);
        assertTrue(poller.poll().ok());

        // Committed after the poll, stamped 5 minutes before the cursor: inside the 10-minute overlap.
        portalBatches(2, 2, t0.minus(5, ChronoUnit.MINUTES));
        // Stamped 20 minutes before: outside the window, so the poller alone does not see it (CDC and webhooks do).
        portalBatches(3, 3, t0.minus(20, ChronoUnit.MINUTES));
        PollSummary second = poller.poll();

        assertTrue(second.ok());
        assertEquals(10, daysOf(2), "late row caught");
        assertEquals(14, daysOf(3), "the overlap window is 10 minutes, not unbounded");
        StreamCounts batches = stream(second, "aligner_batches.updated_at");
        assertEquals(1, batches.count(Outcome.APPLIED));
        assertEquals(1, batches.count(Outcome.DUPLICATE), "the re-read of row 1 is absorbed by the sink");
        assertEquals(new KeysetCursor(t0, 1L), poller.cursors().get("aligner_batches.updated_at"), "the cursor never moves back");
    }

    @Test
    void aPageReadAheadThatCannotBePlacedFailsThePollOnlyAfterThePageBeforeItCommitted() throws Exception {
        Instant t = NOW.minus(1, ChronoUnit.HOURS);
        portalBatches(1, 5, t);
        clinicBatches(clinic, 1, 5);
        Poller poller = poller(config(rest.restUrl(), 2, Duration.ofSeconds(10), NotesCursor.CREATED_EDITED), clinic, dataDir);
        // The page holding batch 3 comes back with that row's key missing: the poller cannot place it. That page is
        // fetched (and converted) on the prefetch thread while the page before it commits.
        for (int i = 0; i < 10; i++) {
            rest.rewriteNext(body -> body.replace("\"aligner_batch_id\":3,", ""));
        }

        PollSummary failed = poller.poll();
        rest.clearFaults();

        assertFalse(failed.ok());
        assertEquals(FailureKind.REST, failed.error().kind());
        assertTrue(failed.error().message().contains("cannot place it in the keyset order"), failed.error().message());
        assertEquals(10, daysOf(1), "the page before it committed");
        assertEquals(10, daysOf(2), "the page before it committed");
        assertEquals(14, daysOf(3));
        assertEquals(14, daysOf(4));
        assertEquals(new KeysetCursor(t, 2L), poller.cursors().get("aligner_batches.updated_at"),
                "the cursor stands after the committed page, before the one that failed");

        assertTrue(poller.poll().ok(), "the next poll reads the page again");
        assertEquals(10, daysOf(5));
    }

    /** A first poll sets the cursor; then new rows arrive and the next poll fails in the given way. */
    private Poller pollerWithCursorAndNewRows(PollConfig config, String key) throws Exception {
        portalBatches(1, 1, NOW.minus(2, ChronoUnit.HOURS));
        clinicBatches(clinic, 1, 2);
        assertTrue(poller(config, clinic, dataDir).poll().ok());
        portalBatches(2, 2, NOW.minus(1, ChronoUnit.HOURS));
        return poller(config, key, clinic, dataDir);
    }

    /** Runs the failing poll through the input, so its status shows what an operator would see. */
    private PollSummary pollThroughInput(Poller poller) throws Exception {
        input = new PollInput(poller, Duration.ofMinutes(60), Clock.fixed(NOW, ZoneOffset.UTC));
        return input.pollNow();
    }

    private PollInput input;

    private void assertFailedWithCursorKept(Poller poller, PollSummary failed, String kind, String messagePart, byte[] stateBefore)
            throws Exception {
        assertFalse(failed.ok());
        assertEquals(kind, failed.error().kind().toString());
        assertTrue(failed.error().message().contains(messagePart), failed.error().message());
        assertArrayEquals(stateBefore, Files.readAllBytes(dataDir.resolve(PollStateStore.FILE_NAME)), "state file untouched");
        assertEquals(new KeysetCursor(NOW.minus(2, ChronoUnit.HOURS), 1L), poller.cursors().get("aligner_batches.updated_at"));
        assertEquals(14, daysOf(2));
        Map<String, Object> status = input.statusSnapshot();
        assertTrue(String.valueOf(status.get("lastError")).contains(messagePart), String.valueOf(status));
    }

    @Test
    void unauthorizedApiKeepsTheCursorAndShowsTheErrorInStatus() throws Exception {
        PollConfig config = config(rest.restUrl());
        Poller poller = pollerWithCursorAndNewRows(config, "sb_secret_wrong");
        byte[] before = Files.readAllBytes(dataDir.resolve(PollStateStore.FILE_NAME));
        PollSummary failed = pollThroughInput(poller);
        assertEquals(401, failed.error().rest().get("status"));
        assertFailedWithCursorKept(poller, failed, "rest", "Invalid API key", before);
    }

    @Test
    void serverErrorKeepsTheCursorAndTheNextPollCatchesUp() throws Exception {
        PollConfig config = config(rest.restUrl(), 1000, Duration.ofSeconds(10), NotesCursor.CREATED_EDITED);
        Poller poller = pollerWithCursorAndNewRows(config, PollFixture.KEY);
        byte[] before = Files.readAllBytes(dataDir.resolve(PollStateStore.FILE_NAME));
        // Every request of this poll fails: each stream's first page.
        for (int i = 0; i < 3; i++) {
            rest.failNext(500, "{\"code\":\"XX000\",\"message\":\"upstream exploded\",\"details\":null,\"hint\":\"try later\"}");
        }
        PollSummary failed = pollThroughInput(poller);
        assertFailedWithCursorKept(poller, failed, "rest", "upstream exploded", before);
        assertTrue(failed.error().message().contains("try later"), "PostgREST's hint is surfaced");

        assertTrue(poller.poll().ok());
        assertEquals(10, daysOf(2), "nothing lost: the next poll applies it");
    }

    @Test
    void timeoutKeepsTheCursor() throws Exception {
        PollConfig config = config(rest.restUrl(), 1000, Duration.ofMillis(300), NotesCursor.CREATED_EDITED);
        Poller poller = pollerWithCursorAndNewRows(config, PollFixture.KEY);
        byte[] before = Files.readAllBytes(dataDir.resolve(PollStateStore.FILE_NAME));
        for (int i = 0; i < 3; i++) {
            rest.delayNext(Duration.ofMillis(1500));
        }
        PollSummary failed = pollThroughInput(poller);
        assertFailedWithCursorKept(poller, failed, "rest", "timed out", before);
    }

    @Test
    void sinkFailureKeepsTheCursor() throws Exception {
        PollConfig config = config(rest.restUrl());
        Poller poller = pollerWithCursorAndNewRows(config, PollFixture.KEY);
        byte[] before = Files.readAllBytes(dataDir.resolve(PollStateStore.FILE_NAME));
        clinic.dropLedger();
        PollSummary failed = pollThroughInput(poller);
        assertFailedWithCursorKept(poller, failed, "sink", "AlignerSyncLedger", before);
    }

    @Test
    void anOldNodeFormatStateFileIsReadAndUpgraded() throws Exception {
        Instant watermark = NOW.minus(2, ChronoUnit.HOURS);
        Files.writeString(dataDir.resolve(PollStateStore.FILE_NAME), "{\"lastNotesSync\":\"" + watermark + "\",\"lastBatchesSync\":\""
                + watermark + "\",\"lastPollTime\":\"" + watermark + "\"}");
        portalBatches(1, 1, watermark.minus(3, ChronoUnit.HOURS));
        portalBatches(2, 2, watermark.plus(30, ChronoUnit.MINUTES));
        clinicBatches(clinic, 1, 2);

        PollSummary summary = poller(config(rest.restUrl()), clinic, dataDir).poll();

        assertTrue(summary.ok());
        assertEquals(14, daysOf(1), "older than the Node.js watermark (minus the overlap): not re-read");
        assertEquals(10, daysOf(2));
        JsonNode upgraded = new ObjectMapper().readTree(dataDir.resolve(PollStateStore.FILE_NAME).toFile());
        assertEquals(watermark.plus(30, ChronoUnit.MINUTES).toString(), upgraded.get("lastBatchesSync").asText());
        assertEquals(NOW.toString(), upgraded.get("lastPollTime").asText());
        assertTrue(upgraded.has("lastNotesSync"));
        assertEquals(2, upgraded.at("/cursors/aligner_batches.updated_at/key").asInt());
    }

    @Test
    void aCorruptStateFileRefusesToStartAndIsLeftAlone() throws Exception {
        Path file = dataDir.resolve(PollStateStore.FILE_NAME);
        Files.writeString(file, "{\"lastNotesSync\": \"2026-11-2");
        StateFileException e = assertThrows(StateFileException.class, () -> poller(config(rest.restUrl()), clinic, dataDir));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("--reset-cursor"), e.getMessage());
        assertEquals("{\"lastNotesSync\": \"2026-11-2", Files.readString(file));
        assertTrue(rest.requests().isEmpty(), "nothing was polled");
    }

    @Test
    void aDaemonStoppedForDaysCatchesUpCompletelyInOnePoll() throws Exception {
        Instant stopped = NOW.minus(8, ChronoUnit.DAYS);
        new PollStateStore(dataDir, new ObjectMapper()).save(new com.alignersync.state.PollState(Map.of(
                "aligner_batches.updated_at", new com.alignersync.state.PollState.StoredCursor(stopped, 0L),
                "aligner_notes.created_at", new com.alignersync.state.PollState.StoredCursor(stopped, 0L),
                "aligner_notes.edited_at", new com.alignersync.state.PollState.StoredCursor(stopped, 0L)), stopped, stopped, stopped, false));
        // 3,000 batch edits and 1,500 new notes spread evenly over the last 7 days, 500 of those notes edited later.
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days, updated_at)"
                + " SELECT g, 1, 10, " + pg(NOW) + " - make_interval(secs => g * 201.6) FROM generate_series(1, 3000) g");
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text, created_at, is_edited, edited_at, is_read)"
                + " SELECT g, 7, 'Doctor', 'note ' || g, " + pg(NOW) + " - make_interval(secs => g * 403.2), g % 3 = 0,"
                + " CASE WHEN g % 3 = 0 THEN " + pg(NOW) + " - make_interval(secs => g * 100) END, false FROM generate_series(1, 1500) g");
        clinicBatches(clinic, 1, 3000);

        PollSummary summary = poller(config(rest.restUrl()), clinic, dataDir).poll();

        assertTrue(summary.ok(), () -> String.valueOf(summary.error()));
        assertEquals(3000, stream(summary, "aligner_batches.updated_at").count(Outcome.APPLIED));
        assertEquals(1500, ((Number) clinic.query("SELECT COUNT(*) AS N FROM dbo.tblAlignerNotes").get(0).get("N")).intValue());
        assertEquals(500, ((Number) clinic.query("SELECT COUNT(*) AS N FROM dbo.tblAlignerNotes WHERE IsEdited = 1").get(0).get("N")).intValue());
        assertEquals(0, ((Number) clinic.query("SELECT COUNT(*) AS N FROM dbo.tblAlignerBatches WHERE Days <> 10").get(0).get("N")).intValue());
    }

    @Test
    void notesWithoutUpdatedAtAreReadByCreatedAndEditedCursors() throws Exception {
        Instant created = NOW.minus(3, ChronoUnit.HOURS);
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text, created_at, is_edited, edited_at, is_read) VALUES"
                + " (1, 7, 'Doctor', 'new note', " + pg(created) + ", false, null, false),"
                + " (2, 7, 'Lab', 'lab note', " + pg(created) + ", false, null, false),"
                + " (3, 7, 'Doctor', 'later note', " + pg(NOW.minus(2, ChronoUnit.HOURS)) + ", false, null, false)");
        Poller poller = poller(config(rest.restUrl()), clinic, dataDir);
        assertTrue(poller.poll().ok());
        assertEquals("new note", clinic.note(1).get("NOTETEXT"));
        assertNull(clinic.note(2), "Lab notes never flow back");

        // An edit long after the creation (note 1 is now behind the created_at cursor and its overlap):
        // only the edited_at cursor can see it.
        portal.execute("UPDATE aligner_notes SET note_text = 'edited', is_edited = true, edited_at = " + pg(NOW.minus(1, ChronoUnit.HOURS))
                + " WHERE note_id = 1");
        PollSummary second = poller.poll();
        assertEquals("edited", clinic.note(1).get("NOTETEXT"));
        assertEquals(1, stream(second, "aligner_notes.edited_at").count(Outcome.APPLIED));
        assertTrue(poller.notesCursorMode().contains("probed"));
        assertEquals(Map.of("aligner_notes.created_at", new KeysetCursor(NOW.minus(2, ChronoUnit.HOURS), 3L), "aligner_notes.edited_at",
                new KeysetCursor(NOW.minus(1, ChronoUnit.HOURS), 1L)),
                Map.of("aligner_notes.created_at", poller.cursors().get("aligner_notes.created_at"),
                        "aligner_notes.edited_at", poller.cursors().get("aligner_notes.edited_at")));
    }

    @Test
    void notesWithUpdatedAtAreReadByOneCursorWhenTheProbeFindsIt() throws Exception {
        portal.execute("ALTER TABLE aligner_notes ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()");
        try {
            portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text, created_at, is_read, updated_at)"
                    + " VALUES (1, 7, 'Doctor', 'hello', " + pg(NOW.minus(2, ChronoUnit.DAYS)) + ", false, " + pg(NOW.minus(1, ChronoUnit.HOURS)) + ")");
            Poller poller = poller(config(rest.restUrl()), clinic, dataDir);
            PollSummary summary = poller.poll();
            assertTrue(summary.ok(), () -> String.valueOf(summary.error()));
            assertEquals("hello", clinic.note(1).get("NOTETEXT"));
            assertEquals(new KeysetCursor(NOW.minus(1, ChronoUnit.HOURS), 1L), poller.cursors().get("aligner_notes.updated_at"));
            assertFalse(poller.cursors().containsKey("aligner_notes.created_at"));
        } finally {
            portal.execute("ALTER TABLE aligner_notes DROP COLUMN updated_at");
        }
    }

    @Test
    void aRowThatCanNeverApplyIsParkedOnceAndTheCursorPassesIt() throws Exception {
        Instant t = NOW.minus(1, ChronoUnit.HOURS);
        portalBatches(1, 3, t);
        clinicBatches(clinic, 1, 2); // batch 3 is unknown to the clinic: the sink parks it
        Poller poller = poller(config(rest.restUrl(), 1000, Duration.ofSeconds(10), NotesCursor.CREATED_EDITED), clinic, dataDir);
        // The first batches page carries a row of the wrong type (as a broken proxy or a schema change would).
        rest.rewriteNext(body -> body); // created_at page of notes
        rest.rewriteNext(body -> body); // edited_at page of notes
        rest.rewriteNext(body -> body.replaceFirst("\"days\":10", "\"days\":\"ten\""));

        PollSummary first = poller.poll();

        assertTrue(first.ok(), () -> String.valueOf(first.error()));
        StreamCounts batches = stream(first, "aligner_batches.updated_at");
        assertEquals(1, batches.invalid());
        assertEquals(1, batches.count(Outcome.DEAD_LETTER), "unknown batch 3");
        assertEquals(new KeysetCursor(t, 3L), poller.cursors().get("aligner_batches.updated_at"));
        List<DeadLetterLog.Entry> parked = new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC()).readAll();
        assertEquals(2, parked.size());
        assertTrue(parked.stream().anyMatch(e -> e.raw() != null && e.reason().contains("after.days")), String.valueOf(parked));

        // The overlap re-reads the same rows: the raw row is not parked a second time.
        rest.rewriteNext(body -> body);
        rest.rewriteNext(body -> body);
        rest.rewriteNext(body -> body.replaceFirst("\"days\":10", "\"days\":\"ten\""));
        assertTrue(poller.poll().ok());
        assertEquals(1, new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC()).readAll().stream().filter(e -> e.raw() != null).count());
    }

    @Test
    void aRowThatCanNeverApplyDatedInTheFutureIsParkedOnceThoughTheCursorCannotPassIt() throws Exception {
        portalBatches(1, 1, Instant.now().plus(2, ChronoUnit.HOURS)); // the Date header is the real clock
        clinicBatches(clinic, 1, 1);
        Poller poller = poller(config(rest.restUrl(), 1000, Duration.ofSeconds(10), NotesCursor.CREATED_EDITED), clinic, dataDir);
        for (int poll = 0; poll < 2; poll++) {
            rest.rewriteNext(body -> body); // created_at page of notes
            rest.rewriteNext(body -> body); // edited_at page of notes
            rest.rewriteNext(body -> body.replaceFirst("\"days\":10", "\"days\":\"ten\""));
            assertTrue(poller.poll().ok());
        }

        assertEquals(1, new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC()).readAll().stream().filter(e -> e.raw() != null).count(),
                "re-read by every poll (the cursor stays below the portal's clock), parked once");
    }

    @Test
    void dryRunListsWhatWouldApplyAndWritesNothing() throws Exception {
        portalBatches(1, 3, NOW.minus(1, ChronoUnit.HOURS));
        clinicBatches(clinic, 1, 3);
        Poller poller = poller(config(rest.restUrl()), clinic, dataDir);
        int seeded = clinic.writes();

        PollSummary dry = poller.dryRun();

        assertTrue(dry.ok());
        assertEquals(3, dry.plannedTotal());
        assertEquals(List.of(1L, 2L, 3L), dry.planned().stream().map(PollSummary.PlannedChange::key).toList());
        assertEquals(seeded, clinic.writes());
        assertFalse(Files.exists(dataDir.resolve(PollStateStore.FILE_NAME)), "no cursor saved");
        assertTrue(poller.cursors().isEmpty());

        assertTrue(poller.poll().ok());
        PollSummary afterApply = poller.dryRun();
        assertEquals(0, afterApply.plannedTotal(), "after the poll nothing is left to apply");
        assertEquals(3, afterApply.total(Outcome.DUPLICATE));
    }

    @Test
    void theScheduleRunsAPollAtStartAndNeverTwoAtOnce() throws Exception {
        portalBatches(1, 50, NOW.minus(1, ChronoUnit.HOURS));
        clinicBatches(clinic, 1, 50);
        Poller poller = poller(config(rest.restUrl(), 10, Duration.ofSeconds(10), NotesCursor.CREATED_EDITED), clinic, dataDir);
        int seeded = clinic.writes();
        PollInput input = new PollInput(poller, Duration.ofMinutes(60), Clock.fixed(NOW, ZoneOffset.UTC));
        input.start();
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            List<Future<PollSummary>> results = List.of(callers.submit(input::pollNow), callers.submit(input::pollNow),
                    callers.submit(input::pollNow));
            for (Future<PollSummary> result : results) {
                assertTrue(result.get().ok());
            }
        } finally {
            callers.shutdownNow();
            input.stop();
        }
        assertEquals(50, clinic.writes() - seeded, "the start-up poll applied everything, the others found duplicates only");
        assertEquals(1, rest.maxConcurrentRequests(), "polls ran one after another");
        Map<String, Object> status = input.statusSnapshot();
        assertEquals("stopped", status.get("state"));
        assertTrue(status.get("cursors").toString().contains("aligner_batches.updated_at"));
        assertNull(status.get("lastError"));
    }

    private static StreamCounts stream(PollSummary summary, String name) {
        return summary.streams().stream().filter(s -> s.stream().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no stream " + name + " in " + summary.streams()));
    }
}
