package com.alignersync.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.status.FailureKind;
import com.alignersync.config.ReconcileConfig;
import com.alignersync.config.SinkConfig.DeleteMode;
import com.alignersync.event.SourceTable;
import com.alignersync.source.poll.support.FakePostgrest;
import com.alignersync.support.PortalPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reconcile against the real portal schema behind the PostgREST stand-in and an H2 clinic, through the real sink. */
class ReconcilerTest {

    static PortalPostgres portal;
    static FakePostgrest rest;

    @TempDir
    Path dataDir;
    ReconcileRig rig;

    @BeforeAll
    static void startPortal() throws Exception {
        portal = PortalPostgres.startSetUp();
        rest = FakePostgrest.start(portal.dataSource(), ReconcileRig.KEY);
    }

    @AfterAll
    static void stopPortal() throws Exception {
        rest.close();
        portal.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        portal.execute("TRUNCATE aligner_notes, aligner_batches");
        rest.maxRows(1000);
        rest.hideRows(false);
        rig = new ReconcileRig(rest, dataDir, DeleteMode.DELETE);
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private void doctorNotes(int from, int to) throws Exception {
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text)"
                + " SELECT g, 7, 'Doctor', 'note ' || g FROM generate_series(" + from + ", " + to + ") g");
    }

    private Map<String, Object> ledgerEntry(long key) throws Exception {
        List<Map<String, Object>> rows = rig.clinic.query("SELECT * FROM dbo.AlignerSyncLedger WHERE SourceTable = 'aligner_notes' AND SourceKey = ?", key);
        return rows.isEmpty() ? null : rows.get(0);
    }

    @Test
    void aDoctorNoteTheLedgerWroteAndThePortalLostIsDeletedThroughTheSinkWithATombstone() throws Exception {
        doctorNotes(1, 30);
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        rig.clinic.insertLabNote(900, 7, "lab note, never from the portal");
        rig.clinic.insertNote(901, 7, "Doctor", "a Doctor note the sync never wrote");
        // Deleted while the slot was gone, the delete webhooks lost.
        portal.execute("DELETE FROM aligner_notes WHERE note_id IN (4, 17)");

        ReconcileResult result = rig.reconciler(10).run(false, "test");

        assertTrue(result.ok(), String.valueOf(result.error()));
        assertEquals(30, result.ledgerNotes());
        assertEquals(28, result.portalNotes());
        assertEquals(2, result.deleted());
        assertEquals(List.of(4L, 17L), result.sampleKeys());
        assertNull(rig.note(4));
        assertNull(rig.note(17));
        assertNotNull(rig.note(5));
        assertNotNull(rig.note(900), "Lab notes are never touched");
        assertNotNull(rig.note(901), "what the ledger did not write is never touched");
        assertEquals(true, ledgerEntry(4).get("ISTOMBSTONE"));
        assertEquals("RECONCILE", ledgerEntry(4).get("APPLIEDBY"));

        ReconcileResult again = rig.reconciler(10).run(false, "test");
        assertEquals(0, again.gone(), "a tombstone is not a live ledger key: the next pass has nothing to do");
    }

    @Test
    void aCopyOfAnEditMadeBeforeTheDeleteArrivingAfterReconcileDoesNotBringTheNoteBack() throws Exception {
        doctorNotes(1, 3);
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        // The doctor edited note 2 (its copy still in flight: a parked dead letter, a webhook in a lock wait), then deleted it.
        Map<String, Object> edited = new java.util.HashMap<>(com.alignersync.sink.support.TestEvents.noteRow(2, 7, "Doctor", "edited", false, 0));
        long applied = ((Number) ledgerEntry(2).get("APPLIEDVERSION")).longValue();
        edited.put("updated_at", com.alignersync.event.ChangeEvents.fromMicros(applied + 1_000).toString()); // 1 ms after, before the delete
        portal.execute("DELETE FROM aligner_notes WHERE note_id = 2");
        assertEquals(1, rig.reconciler(100).run(false, "test").deleted());

        com.alignersync.sink.BatchResult late = rig.sink.apply(List.of(com.alignersync.event.ChangeEvents.of(
                com.alignersync.event.Input.WEBHOOK, SourceTable.ALIGNER_NOTES, com.alignersync.event.Op.UPDATE, null, edited)));

        assertEquals(com.alignersync.sink.Outcome.STALE, late.outcomes().get(0).outcome(), late.outcomes().get(0).detail());
        assertNull(rig.note(2), "the reconcile delete is not undone by an older edit");
    }

    @Test
    void withDeleteModeIgnoreTheRowStaysAndTheTombstoneIsRecorded() throws Exception {
        rig.close();
        rig = new ReconcileRig(rest, dataDir, DeleteMode.IGNORE);
        doctorNotes(1, 3);
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        portal.execute("DELETE FROM aligner_notes WHERE note_id = 2");

        ReconcileResult result = rig.reconciler(100).run(false, "test");

        assertEquals(0, result.deleted());
        assertEquals(1, result.alreadyGone());
        assertNotNull(rig.note(2), "sink.notes.delete-mode=ignore keeps the row");
        assertEquals(true, ledgerEntry(2).get("ISTOMBSTONE"));
    }

    @Test
    void aDryRunListsTheDeletesAndWritesNothing() throws Exception {
        doctorNotes(1, 5);
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        portal.execute("DELETE FROM aligner_notes WHERE note_id = 3");
        int writes = rig.clinic.writes();

        ReconcileResult result = rig.reconciler(100).run(true, "test");

        assertEquals(1, result.toDelete());
        assertEquals(List.of(3L), result.sampleKeys());
        assertEquals(writes, rig.clinic.writes());
        assertNotNull(rig.note(3));
    }

    @Test
    void keysArePagedUnderTheServersRowCap() throws Exception {
        rest.maxRows(7);
        doctorNotes(1, 50);
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        portal.execute("DELETE FROM aligner_notes WHERE note_id IN (1, 25, 50)");

        ReconcileResult result = rig.reconciler(10).run(false, "test");

        assertEquals(47, result.portalNotes(), "every page read, not just the first capped one");
        assertEquals(3, result.deleted());
    }

    @Test
    void aNoteInsertedAndDeliveredAfterThePortalKeysWereListedIsNotDeleted() throws Exception {
        doctorNotes(1, 10);
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        portal.execute("DELETE FROM aligner_notes WHERE note_id = 6");
        Reconciler reconciler = rig.reconciler(100);
        // Between the key list and the deletes: a new note reaches the portal and, through an input, the ledger;
        // and note 6 is back in the portal (re-inserted) before its delete.
        reconciler.beforeRecheck(() -> {
            try {
                doctorNotes(11, 11);
                rig.deliverNote(portal, 11);
                doctorNotes(6, 6);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        ReconcileResult result = reconciler.run(false, "test");

        assertEquals(1, result.gone());
        assertEquals(1, result.reappeared(), "the re-check by key found note 6 again");
        assertEquals(0, result.deleted());
        assertNotNull(rig.note(11), "the note inserted after the key list was read stays");
        assertNotNull(rig.note(6));
    }

    @Test
    void reconcilePassesRacingAStreamOfNewNotesDeleteOnlyWhatThePortalDeleted() throws Exception {
        doctorNotes(1, 200);
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        portal.execute("DELETE FROM aligner_notes WHERE note_id IN (10, 20, 30)");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger inserted = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        // An input at work: each new note is inserted in the portal, then delivered to the sink.
        Thread inputs = new Thread(() -> {
            try {
                for (int id = 1000; !stop.get() && id < 1400; id++) {
                    doctorNotes(id, id);
                    rig.deliverNote(portal, id);
                    inserted.incrementAndGet();
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        inputs.start();
        int deleted = 0;
        for (int pass = 0; pass < 8; pass++) {
            ReconcileResult result = rig.reconciler(10).run(false, "race");
            assertTrue(result.ok(), String.valueOf(result.error()));
            deleted += result.deleted();
        }
        stop.set(true);
        inputs.join();

        assertTrue(failures.isEmpty(), failures.toString());
        assertTrue(inserted.get() > 0);
        assertEquals(3, deleted, "only the three notes the portal deleted");
        for (int id = 1000; id < 1000 + inserted.get(); id++) {
            assertNotNull(rig.note(id), "new note " + id + " must survive");
        }
    }

    @Test
    void aPortalTableEmptiedForRealIsStillRefusedThoughPostgrestsCountAgrees() throws Exception {
        doctorNotes(1, 40);
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        // Every note really deleted: the listing is empty and PostgREST counts 0, exactly what a blinded key sees.
        portal.execute("DELETE FROM aligner_notes");

        ReconcileResult result = rig.reconciler(10).run(false, "test");

        assertFalse(result.ok());
        assertEquals(FailureKind.GUARD, result.error().kind());
        assertTrue(result.error().message().contains("listed no notes"), result.error().message());
        assertEquals(0, result.deleted());
        assertNotNull(rig.note(1));
    }

    @Test
    void aPortalAnswering200EmptyDeletesNothingAndRaisesTheAlarm() throws Exception {
        doctorNotes(1, 5); // fewer than the old guard's floor of 10: it deleted them all
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        rest.hideRows(true); // row-level security and a key that is not the service role: 200 []

        ReconcileResult result;
        List<String> errorLines;
        try (ErrorLog errors = new ErrorLog("com.alignersync.reconcile")) {
            result = rig.reconciler(10).run(false, "test");
            errorLines = errors.lines();
        }
        assertEquals(0, result.deleted());
        assertFalse(result.ok(), "an empty listing is never a reason to delete");
        assertTrue(errorLines.stream().anyMatch(line -> line.contains("row-level security")), "alarm at ERROR: " + errorLines);
        assertEquals(FailureKind.GUARD, result.error().kind());
        String message = result.error().message();
        for (String named : List.of("row-level security", "supabase.service-role-key", "supabase.url")) {
            assertTrue(message.contains(named), "the alarm names " + named + ": " + message);
        }
        for (long id = 1; id <= 5; id++) {
            assertNotNull(rig.note(id));
            assertEquals(false, ledgerEntry(id).get("ISTOMBSTONE"));
        }
    }

    @Test
    void aPassTheGuardStoppedIsCountedInItsMetricAndIsAStatusWarning() throws Exception {
        doctorNotes(1, 5);
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        rest.hideRows(true);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ReconcileService service = new ReconcileService(rig.reconciler(10), new ReconcileConfig(null, 10), registry, Clock.systemUTC())) {
            assertEquals(0.0, registry.get(ReconcileService.GUARD_REFUSALS).counter().count());

            service.runNow(false, "test");

            assertEquals(1.0, registry.get(ReconcileService.GUARD_REFUSALS).counter().count());
            Map<String, Object> status = service.statusSnapshot();
            assertEquals(1L, status.get("guardRefusalsSinceStart"));
            assertTrue(status.get("warnings").toString().contains("empty_listing"), status.toString());
        }
    }

    @Test
    void aListingFarSmallerThanTheLedgerDeletesNothingEvenBelowTheOldFloor() throws Exception {
        doctorNotes(1, 10);
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        // A key that sees one doctor's notes only (row-level security for a signed-in user), or the wrong project.
        portal.execute("DELETE FROM aligner_notes WHERE note_id > 1");

        ReconcileResult result = rig.reconciler(10).run(false, "test");

        assertFalse(result.ok());
        assertEquals(FailureKind.GUARD, result.error().kind());
        assertEquals(0, result.deleted());
        assertNotNull(rig.note(2));
        assertNotNull(rig.note(10));
    }

    @Test
    void reconcileTombstonesAreDatedByThePortalsClockNotTheDaemonHosts() throws Exception {
        doctorNotes(1, 3);
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        portal.execute("DELETE FROM aligner_notes WHERE note_id = 2");
        long applied = ((Number) ledgerEntry(2).get("APPLIEDVERSION")).longValue();
        Clock hostAhead = Clock.offset(Clock.systemUTC(), Duration.ofHours(3));

        assertEquals(1, rig.reconciler(10, hostAhead).run(false, "test").deleted());

        long tombstone = ((Number) ledgerEntry(2).get("APPLIEDVERSION")).longValue();
        long portalNow = com.alignersync.event.ChangeEvents.toMicros(Instant.now());
        assertTrue(tombstone > applied, "after the last version applied");
        // The stand-in's Date header is the real clock in whole seconds; the tombstone takes the end of that second.
        assertTrue(tombstone <= portalNow + 1_000_000, "dated by the portal's Date, not the host's clock 3 hours ahead: "
                + (tombstone - portalNow) + " us ahead of now");
    }
}
