package com.alignersync.sink;

import static com.alignersync.sink.support.TestEvents.daysChange;
import static com.alignersync.sink.support.TestEvents.batchRead;
import static com.alignersync.sink.support.TestEvents.doctorNote;
import static com.alignersync.sink.support.TestEvents.doctorNoteDelete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.SinkConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.support.ClinicTarget;
import com.alignersync.sink.support.TestEvents;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink's contract (DESIGN.md sections 3 and 5), written once and run against every
 * database it supports: H2 on every build, SQL Server where Docker exists.
 */
abstract class SinkContractTest {

    @TempDir
    Path dataDir;

    ClinicTarget target;
    SqlServerSink sink;
    DeadLetterLog deadLetters;
    SinkMetrics metrics;

    /** A clinic database with empty clinic tables, the ledger and the write log. */
    abstract ClinicTarget target() throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        target = target();
        sink = newSink(SinkConfig.defaults());
    }

    @AfterEach
    void tearDown() {
        target.close();
    }

    SqlServerSink newSink(SinkConfig config) {
        deadLetters = new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC());
        metrics = new SinkMetrics(new SimpleMeterRegistry());
        return new SqlServerSink(target.dataSource(), target.dialect(), config, ZoneOffset.UTC, deadLetters, metrics, Clock.systemUTC());
    }

    private Outcome applyOne(ChangeEvent event) throws SinkUnavailableException {
        return sink.apply(List.of(event)).outcomes().get(0).outcome();
    }

    @Test
    void newDoctorNoteIsInsertedUnderThePortalsNoteId() throws Exception {
        assertEquals(Outcome.APPLIED, applyOne(doctorNote(Input.WEBHOOK, Op.CREATE, 90412, "check UL3", 0)));

        Map<String, Object> note = target.note(90412);
        assertNotNull(note);
        assertEquals("check UL3", note.get("NOTETEXT"));
        assertEquals("Doctor", note.get("NOTETYPE"));
        assertEquals(3187, ((Number) note.get("ALIGNERSETID")).intValue());
        assertEquals(1, target.writes());
    }

    @Test
    void newerEditUpdatesTheNote() throws Exception {
        applyOne(doctorNote(Input.CDC, Op.CREATE, 1, "first", 0));
        assertEquals(Outcome.APPLIED, applyOne(doctorNote(Input.CDC, Op.UPDATE, 1, "second", 1)));

        Map<String, Object> note = target.note(1);
        assertEquals("second", note.get("NOTETEXT"));
        assertEquals(Boolean.TRUE, note.get("ISEDITED"));
        assertNotNull(note.get("EDITEDAT"));
        assertEquals(2, target.writes());
    }

    @Test
    void sameChangeFromAnotherInputIsADuplicate() throws Exception {
        applyOne(doctorNote(Input.CDC, Op.UPDATE, 1, "text", 3));
        assertEquals(Outcome.DUPLICATE, applyOne(doctorNote(Input.WEBHOOK, Op.UPDATE, 1, "text", 3)));
        assertEquals(Outcome.DUPLICATE, applyOne(doctorNote(Input.POLL, Op.READ, 1, "text", 3)));

        assertEquals(1, target.writes());
        assertEquals(1, metrics.count(Input.WEBHOOK, Outcome.DUPLICATE));
        assertEquals(1, metrics.count(Input.POLL, Outcome.DUPLICATE));
    }

    @Test
    void staleWebhookDoesNotOverwriteNewerEdit() throws Exception {
        applyOne(doctorNote(Input.CDC, Op.UPDATE, 1, "newest", 5));
        assertEquals(Outcome.STALE, applyOne(doctorNote(Input.WEBHOOK, Op.UPDATE, 1, "older", 4)));

        assertEquals("newest", target.note(1).get("NOTETEXT"));
        assertEquals(1, target.writes());
        assertEquals(1, metrics.count(Input.WEBHOOK, Outcome.STALE));
    }

    @Test
    void deleteLeavesTombstoneSoAStaleCopyDoesNotResurrectTheNote() throws Exception {
        applyOne(doctorNote(Input.CDC, Op.CREATE, 1, "text", 2));
        assertEquals(Outcome.APPLIED, applyOne(doctorNoteDelete(Input.CDC, 1, 2)));
        assertNull(target.note(1));

        assertEquals(Outcome.STALE, applyOne(doctorNote(Input.POLL, Op.READ, 1, "text", 2)));
        assertEquals(Outcome.STALE, applyOne(doctorNote(Input.WEBHOOK, Op.CREATE, 1, "text", 0)));
        assertNull(target.note(1));
        assertEquals(Outcome.DUPLICATE, applyOne(doctorNoteDelete(Input.WEBHOOK, 1, 2)));
    }

    @Test
    void deleteWithoutVersionIsPlacedAfterTheLastAppliedVersion() throws Exception {
        applyOne(doctorNote(Input.CDC, Op.CREATE, 1, "text", 2));
        // REPLICA IDENTITY DEFAULT: the old row carries the key only.
        ChangeEvent keyOnlyDelete = ChangeEvents.of(Input.CDC, SourceTable.ALIGNER_NOTES, Op.DELETE, Map.of("note_id", 1), null);
        assertEquals(Outcome.APPLIED, applyOne(keyOnlyDelete));
        assertNull(target.note(1));
        assertEquals(Outcome.STALE, applyOne(doctorNote(Input.WEBHOOK, Op.UPDATE, 1, "text", 2)));
    }

    @Test
    void equalVersionConflictIsDecidedTheSameWhicheverCopyArrivesFirst() throws Exception {
        ChangeEvent a1 = doctorNote(Input.CDC, Op.UPDATE, 1, "copy A", 3);
        ChangeEvent b1 = doctorNote(Input.WEBHOOK, Op.UPDATE, 1, "copy B", 3);
        ChangeEvent a2 = doctorNote(Input.CDC, Op.UPDATE, 2, "copy A", 3);
        ChangeEvent b2 = doctorNote(Input.WEBHOOK, Op.UPDATE, 2, "copy B", 3);
        applyOne(a1);
        applyOne(b1);
        applyOne(b2);
        applyOne(a2);
        // Both orders end with the same content, and repeating either copy changes nothing.
        Object winner = target.note(1).get("NOTETEXT");
        assertEquals(winner, target.note(2).get("NOTETEXT"));
        int writes = target.writes();
        applyOne(a1);
        applyOne(b1);
        assertEquals(winner, target.note(1).get("NOTETEXT"));
        assertEquals(writes, target.writes());
        assertTrue(metrics.conflicts() >= 2);
    }

    @Test
    void labNoteChangesAreIgnored() throws Exception {
        ChangeEvent lab = ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.CREATE, null,
                TestEvents.noteRow(7, 3187, "Lab", "from the lab", false, 0));
        assertEquals(Outcome.IGNORED, applyOne(lab));
        assertNull(target.note(7));
        assertEquals(0, target.writes());
    }

    @Test
    void doctorNoteCollidingWithALabNoteIsParkedAndTheLabNoteIsUntouched() throws Exception {
        target.insertLabNote(50, 3187, "lab original");
        int before = target.writes();

        BatchResult result = sink.apply(List.of(
                doctorNote(Input.WEBHOOK, Op.CREATE, 50, "doctor text", 1),
                doctorNote(Input.WEBHOOK, Op.CREATE, 51, "an innocent note", 1)));

        assertEquals(Outcome.DEAD_LETTER, result.outcomes().get(0).outcome());
        assertTrue(result.outcomes().get(0).detail().contains("key conflict"));
        assertEquals(Outcome.APPLIED, result.outcomes().get(1).outcome(), "the rest of the batch still applies");
        assertEquals("lab original", target.note(50).get("NOTETEXT"));
        assertEquals("Lab", target.note(50).get("NOTETYPE"));
        assertEquals(before + 1, target.writes());
        List<DeadLetterLog.Entry> parked = deadLetters.readAll();
        assertEquals(1, parked.size());
        assertEquals(50, parked.get(0).event().get("key").asLong());
        // Parked, not recorded: a later version meets the same refusal instead of being called stale.
        assertEquals(Outcome.DEAD_LETTER, applyOne(doctorNote(Input.POLL, Op.READ, 50, "doctor text", 1)));
    }

    @Test
    void doctorNoteOfAnotherAlignerSetIsAKeyConflict() throws Exception {
        target.insertNote(60, 9999, "Doctor", "someone else's note");
        BatchResult result = sink.apply(List.of(doctorNote(Input.CDC, Op.UPDATE, 60, "mine", 1)));
        assertEquals(Outcome.DEAD_LETTER, result.outcomes().get(0).outcome());
        assertTrue(result.outcomes().get(0).detail().contains("AlignerSetID 9999"));
        assertEquals("someone else's note", target.note(60).get("NOTETEXT"));
    }

    @Test
    void daysChangeUpdatesOnlyDays() throws Exception {
        target.insertBatch(12044, 3187, 14);
        int before = target.writes();

        assertEquals(Outcome.APPLIED, applyOne(daysChange(Input.WEBHOOK, 12044, 14, 10, 5)));

        Map<String, Object> batch = target.batch(12044);
        assertEquals(10, ((Number) batch.get("DAYS")).intValue());
        assertEquals("delivery notes", batch.get("NOTES"));
        assertEquals(1, ((Number) batch.get("BATCHSEQUENCE")).intValue());
        assertEquals(before + 1, target.writes());
    }

    @Test
    void batchChangeThatLeavesDaysAloneIsIgnored() throws Exception {
        target.insertBatch(12044, 3187, 14);
        int before = target.writes();
        assertEquals(Outcome.IGNORED, applyOne(daysChange(Input.CDC, 12044, 10, 10, 5)));
        assertEquals(14, ((Number) target.batch(12044).get("DAYS")).intValue(), "a forward-synced row must not revert the clinic's Days");
        assertEquals(before, target.writes());
    }

    @Test
    void unknownBatchIsParkedAndTheRestOfTheBatchApplies() throws Exception {
        target.insertBatch(1, 3187, 7);
        BatchResult result = sink.apply(List.of(daysChange(Input.POLL, 404, 7, 10, 2), daysChange(Input.POLL, 1, 7, 10, 2)));
        assertEquals(Outcome.DEAD_LETTER, result.outcomes().get(0).outcome());
        assertTrue(result.outcomes().get(0).detail().contains("unknown batch"));
        assertEquals(Outcome.APPLIED, result.outcomes().get(1).outcome());
        assertNull(target.batch(404), "batches are never inserted");
        assertEquals(1, deadLetters.readAll().size());
    }

    @Test
    void writeThatWouldChangeNothingIsNotIssued() throws Exception {
        target.insertBatch(3, 3187, 10);
        int before = target.writes();
        // A poll reads the row after the clinic already holds the same Days: newer version, same value.
        assertEquals(Outcome.UNCHANGED, applyOne(batchRead(Input.POLL, 3, 10, 8)));
        assertEquals(before, target.writes());

        applyOne(doctorNote(Input.CDC, Op.UPDATE, 5, "text", 4));
        int afterInsert = target.writes();
        // The same note values under a newer version (e.g. updated_at touched): datetime rounding must not fake a change.
        assertEquals(Outcome.UNCHANGED, applyOne(
                ChangeEvents.of(Input.POLL, SourceTable.ALIGNER_NOTES, Op.READ, null, withUpdatedAt(5, "text", 4, 9))));
        assertEquals(afterInsert, target.writes());
    }

    private static Map<String, Object> withUpdatedAt(long noteId, String text, long editVersion, long updatedVersion) {
        Map<String, Object> row = TestEvents.noteRow(noteId, 3187, "Doctor", text, false, editVersion);
        row.put("updated_at", TestEvents.at(updatedVersion).toString());
        return row;
    }

    @Test
    void severalVersionsOfOneKeyInABatchCollapseToOneWrite() throws Exception {
        BatchResult result = sink.apply(List.of(
                doctorNote(Input.CDC, Op.CREATE, 1, "v0", 0),
                doctorNote(Input.CDC, Op.UPDATE, 1, "v1", 1),
                doctorNote(Input.CDC, Op.UPDATE, 1, "v2", 2)));
        assertEquals(List.of(Outcome.SUPERSEDED, Outcome.SUPERSEDED, Outcome.APPLIED),
                result.outcomes().stream().map(EventOutcome::outcome).toList());
        assertEquals("v2", target.note(1).get("NOTETEXT"));
        assertEquals(1, target.writes());
    }

    /** The dry run decides every copy of a key in order, as apply does: it once judged each copy alone against the ledger. */
    @Test
    void previewDecidesSeveralCopiesOfOneKeyExactlyAsApplyThenDoes() throws Exception {
        applyOne(doctorNote(Input.CDC, Op.CREATE, 1, "v0", 0));
        List<ChangeEvent> batch = List.of(
                doctorNote(Input.POLL, Op.UPDATE, 1, "v1", 1),
                doctorNote(Input.POLL, Op.UPDATE, 1, "v2", 2),
                doctorNote(Input.WEBHOOK, Op.UPDATE, 1, "v2", 2),
                doctorNote(Input.POLL, Op.READ, 1, "v0", 0),
                doctorNote(Input.POLL, Op.UPDATE, 2, "other", 1));

        List<Outcome> preview = sink.preview(batch);
        assertEquals(1, target.writes(), "a dry run writes nothing");
        assertEquals(List.of(Outcome.SUPERSEDED, Outcome.APPLIED, Outcome.DUPLICATE, Outcome.STALE, Outcome.APPLIED), preview);
        assertEquals(preview, sink.apply(batch).outcomes().stream().map(EventOutcome::outcome).toList());
        assertEquals(List.of(Outcome.STALE, Outcome.DUPLICATE, Outcome.DUPLICATE, Outcome.STALE, Outcome.DUPLICATE), sink.preview(batch));
    }

    /** It once committed, then failed the batch on an event left without an outcome (a NullPointerException). */
    @Test
    void aStampedCopyThatWinsAnEqualVersionTieBreakIsWritten() throws Exception {
        ChangeEvent applied = stampedNote("first text", 5);
        applyOne(applied);
        ChangeEvent winner = null;
        for (int i = 0; winner == null; i++) {
            ChangeEvent copy = stampedNote("another text " + i, 5);
            winner = copy.contentHash().compareTo(applied.contentHash()) > 0 ? copy : null;
        }

        assertEquals(List.of(Outcome.APPLIED), sink.preview(List.of(winner)));
        assertEquals(Outcome.APPLIED, applyOne(winner));
        assertEquals(winner.after().text("note_text"), target.note(1).get("NOTETEXT"));
        assertEquals(Outcome.CONFLICT, applyOne(applied), "the tie-break stands whichever copy comes again");
        assertEquals(Outcome.DUPLICATE, applyOne(winner));
    }

    private static ChangeEvent stampedNote(String text, long version) {
        Map<String, Object> row = TestEvents.noteRow(1, 3187, "Doctor", text, false, version);
        row.put("text_changed_at", TestEvents.at(version).toString());
        row.put("text_changed_by", "portal");
        row.put("read_changed_at", TestEvents.at(version).toString());
        row.put("read_changed_by", "portal");
        return ChangeEvents.of(Input.CDC, SourceTable.ALIGNER_NOTES, Op.UPDATE, null, row);
    }

    @Test
    void deleteModeIgnoreKeepsTheNoteButStillRecordsTheTombstone() throws Exception {
        sink = newSink(new SinkConfig(SinkConfig.DeleteMode.IGNORE, 3, Duration.ofMillis(1), Duration.ofMillis(5)));
        applyOne(doctorNote(Input.CDC, Op.CREATE, 1, "keep me", 1));
        assertEquals(Outcome.UNCHANGED, applyOne(doctorNoteDelete(Input.CDC, 1, 1)));
        assertEquals("keep me", target.note(1).get("NOTETEXT"));
        assertEquals(Outcome.STALE, applyOne(doctorNote(Input.POLL, Op.READ, 1, "keep me", 1)));
    }

    @Test
    void valueTheClinicCannotStoreIsParkedAndTheRestOfTheBatchApplies() throws Exception {
        target.insertBatch(8, 3187, 7);
        target.insertBatch(9, 3187, 7);
        ChangeEvent overflow = ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_BATCHES, Op.UPDATE,
                TestEvents.batchRow(8, 7, 1), Map.of("aligner_batch_id", 8, "days", 3_000_000_000L, "updated_at", TestEvents.at(2).toString()));
        BatchResult result = sink.apply(List.of(
                doctorNote(Input.CDC, Op.CREATE, 1, "before the bad row", 1),
                overflow,
                daysChange(Input.CDC, 9, 7, 10, 2)));
        assertEquals(Outcome.APPLIED, result.outcomes().get(0).outcome());
        assertEquals(Outcome.DEAD_LETTER, result.outcomes().get(1).outcome());
        assertTrue(result.outcomes().get(1).detail().startsWith("SQL Server refused the write"), result.outcomes().get(1).detail());
        assertEquals(Outcome.APPLIED, result.outcomes().get(2).outcome());
        assertEquals(7, ((Number) target.batch(8).get("DAYS")).intValue());
        assertEquals(10, ((Number) target.batch(9).get("DAYS")).intValue());
        assertEquals("before the bad row", target.note(1).get("NOTETEXT"));
        assertEquals(1, deadLetters.readAll().size());
        // The refused change was not recorded: sending it again is refused again, not called a duplicate.
        assertEquals(Outcome.DEAD_LETTER, applyOne(overflow));
    }

    @Test
    void aBatchLargerThanOneLockingReadStillAppliesEveryKey() throws Exception {
        List<ChangeEvent> events = new ArrayList<>();
        for (long key = 1; key <= SqlDialect.MAX_KEYS_PER_STATEMENT + 20; key++) {
            events.add(doctorNote(Input.POLL, Op.READ, key, "note " + key, 1));
        }
        assertEquals(events.size(), sink.apply(events).count(Outcome.APPLIED));
        assertEquals(events.size(), target.writes());
        assertEquals(events.size(), sink.apply(events).count(Outcome.DUPLICATE));
    }

    @Test
    void missingLedgerIsReportedWithTheInitCommand() throws Exception {
        target.dropLedger();
        SinkUnavailableException e = assertThrows(SinkUnavailableException.class, () -> sink.checkReady());
        assertTrue(e.getMessage().contains("init"), e.getMessage());
        assertThrows(SinkUnavailableException.class, () -> sink.apply(List.of(doctorNote(Input.CDC, Op.CREATE, 1, "x", 0))));
        assertNull(target.note(1), "nothing written without the ledger");
    }

    @Test
    void threeConcurrentInputsWithOverlappingKeysEndOnTheNewestVersionWithOneWriteEach() throws Exception {
        // Up to 25 versions of a key within a second: the ping-pong breaker would rightly stop them.
        sink = newSink(SinkConfig.defaults().withPingPong(0, Duration.ofMinutes(2)));
        int keys = 50;
        int versionsPerKey = 25;
        Random random = new Random(42);
        List<List<ChangeEvent>> perThread = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        Input[] inputs = {Input.CDC, Input.WEBHOOK, Input.POLL};
        Map<Long, Long> newest = new java.util.HashMap<>();
        int delivered = 0;
        while (delivered < 3000) {
            long key = random.nextInt(keys) + 1;
            long version = random.nextInt(versionsPerKey) + 1;
            int thread = random.nextInt(3);
            if (perThread.get(thread).size() < 1000) {
                perThread.get(thread).add(doctorNote(inputs[thread], Op.UPDATE, key, "key " + key + " version " + version, version));
                newest.merge(key, version, Math::max);
                delivered++;
            }
        }
        perThread.forEach(events -> Collections.shuffle(events, random));

        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<List<EventOutcome>>> futures = new ArrayList<>();
        for (List<ChangeEvent> events : perThread) {
            futures.add(pool.submit(() -> {
                List<EventOutcome> outcomes = new ArrayList<>();
                for (int i = 0; i < events.size(); i += 10) {
                    outcomes.addAll(sink.apply(events.subList(i, Math.min(events.size(), i + 10))).outcomes());
                }
                return outcomes;
            }));
        }
        List<EventOutcome> all = new ArrayList<>();
        for (Future<List<EventOutcome>> future : futures) {
            all.addAll(future.get());
        }
        pool.shutdown();

        for (Map.Entry<Long, Long> entry : newest.entrySet()) {
            assertEquals("key " + entry.getKey() + " version " + entry.getValue(), target.note(entry.getKey()).get("NOTETEXT"));
        }
        Set<String> appliedPairs = new HashSet<>();
        for (EventOutcome o : all) {
            if (o.outcome() == Outcome.APPLIED) {
                assertTrue(appliedPairs.add(o.event().key() + "@" + o.event().version()), "applied twice: " + o.event().describe());
            }
        }
        assertEquals(appliedPairs.size(), target.writes(), "one target write per distinct (key, version) applied");
    }
}
