package com.alignersync.sink;

import static com.alignersync.sink.support.TestEvents.doctorNote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.SinkConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.sink.support.HostileClinicTarget;
import com.alignersync.sink.support.HostileSqlServer;
import com.alignersync.sink.support.HostileSqlServer.Effect;
import com.alignersync.sink.support.SqlServerError;
import com.alignersync.sink.support.TestEvents;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sink under SQL Server's failure semantics, through {@link HostileSqlServer}: doomed
 * transactions, a clinic trigger refusing one row, permissions, and a clinic session sitting on
 * a lock. The rule each test pins is in {@link SqlServerSink}'s class comment.
 */
class SinkUnderSqlServerFailuresTest {

    private static final String NOTES = "dbo.tblAlignerNotes";
    private static final SinkConfig FAST = new SinkConfig(SinkConfig.DeleteMode.DELETE, 4, Duration.ofMillis(5), Duration.ofMillis(20));

    @TempDir
    Path dataDir;

    HostileClinicTarget target;
    HostileSqlServer sqlServer;
    DeadLetterLog deadLetters;

    @BeforeEach
    void setUp() throws Exception {
        target = new HostileClinicTarget();
        sqlServer = target.hostile();
        deadLetters = new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        target.close();
    }

    private SqlServerSink sink(SinkConfig config) {
        return new SqlServerSink(sqlServer, target.dialect(), config, ZoneOffset.UTC, deadLetters,
                new SinkMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
    }

    private static List<ChangeEvent> notes(int count) {
        List<ChangeEvent> events = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            events.add(doctorNote(Input.CDC, Op.CREATE, id, "note " + id, 0));
        }
        return events;
    }

    private boolean inLedger(long noteId) throws Exception {
        return !target.query("SELECT 1 FROM dbo.AlignerSyncLedger WHERE SourceTable = 'aligner_notes' AND SourceKey = ?", noteId).isEmpty();
    }

    /** Trigger errors under XACT_ABORT: SQL Server ends the transaction; the error number is the trigger's or 3609. */
    enum Doom {
        TRIGGER_THROW_ROLLS_BACK(SqlServerError.TRIGGER_THROW, Effect.DOOM),
        TRIGGER_ROLLBACK_3609(SqlServerError.TRANSACTION_ENDED_IN_TRIGGER, Effect.DOOM),
        CONSTRAINT_IN_TRIGGER_ROLLS_BACK(SqlServerError.CONSTRAINT, Effect.DOOM),
        UNCOMMITTABLE_AFTER_THROW(SqlServerError.TRIGGER_THROW, Effect.DOOM_UNCOMMITTABLE),
        UNCOMMITTABLE_AFTER_CONSTRAINT(SqlServerError.CONSTRAINT, Effect.DOOM_UNCOMMITTABLE);

        final SqlServerError error;
        final Effect effect;

        Doom(SqlServerError error, Effect effect) {
            this.error = error;
            this.effect = effect;
        }
    }

    @ParameterizedTest
    @EnumSource(Doom.class)
    void doomedTransactionIsNeverReportedApplied(Doom doom) throws Exception {
        sqlServer.triggerFails(NOTES, 2, doom.error, doom.effect, -1);

        BatchResult result = sink(FAST).apply(notes(3));

        for (EventOutcome outcome : result.outcomes()) {
            if (outcome.outcome() == Outcome.APPLIED) {
                long key = outcome.event().key();
                assertNotNull(target.note(key), "note " + key + " was reported APPLIED but is not in SQL Server");
                assertTrue(inLedger(key), "note " + key + " was reported APPLIED but has no ledger entry");
            }
        }
        assertEquals(List.of(Outcome.APPLIED, Outcome.DEAD_LETTER, Outcome.APPLIED),
                result.outcomes().stream().map(EventOutcome::outcome).toList());
        assertNull(target.note(2));
        assertTrue(result.outcomes().get(1).detail().contains("error " + doom.error.number), result.outcomes().get(1).detail());
        assertEquals(1, deadLetters.count());
    }

    @Test
    void aTriggerThatRefusesOneRowIsRetriedThenTheBatchIsAppliedKeyByKey() throws Exception {
        HostileSqlServer.Fault trigger = sqlServer.triggerFails(NOTES, 2, SqlServerError.TRIGGER_THROW, Effect.DOOM, -1);

        BatchResult result = sink(FAST.withIsolateAfterFailures(3)).apply(notes(3));

        assertEquals(1, result.count(Outcome.DEAD_LETTER));
        assertEquals(2, result.count(Outcome.APPLIED));
        // three identical refusals of the whole batch, then once more for key 2 alone
        assertEquals(4, trigger.fired.get());
    }

    @Test
    void aRefusalThatPassesOnRetryParksNothing() throws Exception {
        sqlServer.triggerFails(NOTES, 2, SqlServerError.TRIGGER_THROW, Effect.DOOM, 1);

        BatchResult result = sink(FAST).apply(notes(3));

        assertEquals(3, result.count(Outcome.APPLIED));
        assertEquals(0, deadLetters.count());
    }

    @Test
    void aPoisonedRowAmongTwoHundredParksOnlyThatRow() throws Exception {
        sqlServer.triggerFails(NOTES, 77, SqlServerError.TRIGGER_THROW, Effect.DOOM, -1);

        BatchResult result = sink(FAST).apply(notes(200));

        assertEquals(199, result.count(Outcome.APPLIED));
        assertEquals(Outcome.DEAD_LETTER, result.outcomes().get(76).outcome());
        assertEquals(199, ((Number) target.query("SELECT COUNT(*) AS N FROM dbo.tblAlignerNotes").get(0).get("N")).intValue());
        assertTrue(deadLetters.readAll().get(0).reason().contains("error 50000"), deadLetters.readAll().get(0).reason());
    }

    @Test
    void deadlockVictimIsRetriedAndNothingIsParked() throws Exception {
        sqlServer.triggerFails(NOTES, 3, SqlServerError.DEADLOCK_VICTIM, Effect.DOOM, 2);

        BatchResult result = sink(FAST).apply(notes(3));

        assertEquals(3, result.count(Outcome.APPLIED));
        assertEquals(0, deadLetters.count());
    }

    @Test
    void permissionDeniedStopsWritesWithTheFixAndParksNothing() throws Exception {
        target.insertBatch(40, 3187, 14);
        sqlServer.statementFails("dbo.tblAlignerBatches", 40, SqlServerError.PERMISSION_DENIED, -1);
        SqlServerSink sink = sink(FAST);
        List<ChangeEvent> batch = new ArrayList<>(notes(2));
        batch.add(TestEvents.daysChange(Input.CDC, 40, 14, 21, 3));

        SinkMisconfiguredException e = assertThrows(SinkMisconfiguredException.class, () -> sink.apply(batch));

        assertTrue(e.getMessage().contains("229") && e.getMessage().contains("aligner-sync check"), e.getMessage());
        assertEquals(0, deadLetters.count());
        assertNull(target.note(1), "nothing of a batch that stopped on a misconfiguration is committed");
        assertEquals(SinkHealth.State.MISCONFIGURED, sink.health().snapshot().state());
        SinkUnavailableException ready = assertThrows(SinkUnavailableException.class, sink::checkReady);
        assertTrue(ready.getMessage().contains("Fix:"), ready.getMessage());

        sqlServer.disarm(); // the DBA ran the GRANT
        assertEquals(3, sink.apply(batch).count(Outcome.APPLIED));
        assertEquals(SinkHealth.State.OK, sink.health().snapshot().state());
    }

    @Test
    void aCommitFromAnotherInputDoesNotHideAnInputStuckOnAMissingRight() throws Exception {
        target.insertBatch(40, 3187, 14);
        sqlServer.statementFails("dbo.tblAlignerBatches", 40, SqlServerError.PERMISSION_DENIED, -1);
        SqlServerSink sink = sink(FAST);
        List<ChangeEvent> cdcBatch = List.of(TestEvents.daysChange(Input.CDC, 40, 14, 21, 3));
        assertThrows(SinkMisconfiguredException.class, () -> sink.apply(cdcBatch));

        assertEquals(Outcome.APPLIED, sink.apply(List.of(doctorNote(Input.WEBHOOK, Op.CREATE, 1, "a webhook", 0))).outcomes().get(0).outcome());

        assertEquals(SinkHealth.State.MISCONFIGURED, sink.health().snapshot().state(), "CDC is still stuck on the missing right");
        sqlServer.disarm();
        sink.apply(cdcBatch);
        assertEquals(SinkHealth.State.OK, sink.health().snapshot().state());
    }

    @Test
    void everyRowRefusedTheSameWayStopsWritesInsteadOfParkingThemAll() throws Exception {
        // A column added NOT NULL without a default: every insert fails with 515.
        for (long id = 1; id <= 8; id++) {
            sqlServer.triggerFails(NOTES, id, SqlServerError.NULL_NOT_ALLOWED, Effect.RAISE, -1);
        }
        SqlServerSink sink = sink(FAST);

        SinkMisconfiguredException e = assertThrows(SinkMisconfiguredException.class, () -> sink.apply(notes(8)));

        assertTrue(e.getMessage().contains("error 515"), e.getMessage());
        assertEquals(0, deadLetters.count(), "nothing parked: the inputs hold their positions until the clinic fixes it");
        assertEquals(SinkHealth.State.MISCONFIGURED, sink.health().snapshot().state());
    }

    @Test
    void aMissingTableIsAMisconfigurationNotADeadLetter() throws Exception {
        sqlServer.statementFails(NOTES, 1, SqlServerError.INVALID_OBJECT, -1);

        assertThrows(SinkMisconfiguredException.class, () -> sink(FAST).apply(notes(1)));
        assertEquals(0, deadLetters.count());
    }

    @Test
    void aLockHeldByAClinicSessionIsWaitedOutWithBoundedWaitsAndNamedInHealth() throws Exception {
        sqlServer.onConnect("SET LOCK_TIMEOUT 100");
        HostileSqlServer.Fault lock = sqlServer.holdLock(NOTES, 2, Duration.ofMillis(1_500));
        SinkConfig patient = new SinkConfig(SinkConfig.DeleteMode.DELETE, 100, Duration.ofMillis(20), Duration.ofMillis(50));
        SqlServerSink sink = sink(patient);

        CompletableFuture<BatchResult> applying = CompletableFuture.supplyAsync(() -> {
            try {
                return sink.apply(notes(3));
            } catch (SinkUnavailableException e) {
                throw new IllegalStateException(e);
            }
        });
        SinkHealth.Snapshot seen = awaitState(sink, SinkHealth.State.WAITING_ON_LOCK);
        assertTrue(seen.warning(Clock.systemUTC().instant()).startsWith("sink waiting on a lock, "), seen.warning(Clock.systemUTC().instant()));

        BatchResult result = applying.get();
        assertEquals(3, result.count(Outcome.APPLIED));
        assertTrue(lock.fired.get() > 1, "the statement timed out on the lock and was retried");
        assertEquals(SinkHealth.State.OK, sink.health().snapshot().state());
    }

    @Test
    void aLockHeldLongerThanTheRetriesLeavesNothingReported() throws Exception {
        sqlServer.onConnect("SET LOCK_TIMEOUT 50");
        sqlServer.holdLock(NOTES, 2, Duration.ofSeconds(60));
        SqlServerSink sink = sink(FAST);

        long started = System.nanoTime();
        SinkUnavailableException e = assertThrows(SinkUnavailableException.class, () -> sink.apply(notes(3)));

        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 30, "bounded: the lock timeout answers, not the lock");
        assertTrue(e.getMessage().contains("1222"), e.getMessage());
        assertNull(target.note(1));
        assertEquals(SinkHealth.State.WAITING_ON_LOCK, sink.health().snapshot().state());
    }

    @Test
    void withoutALockTimeoutTheStatementTimeoutStillBoundsTheWait() throws Exception {
        sqlServer.holdLock(NOTES, 1, Duration.ofSeconds(60)); // SQL Server's default LOCK_TIMEOUT -1 would wait all of it
        SqlServerSink sink = sink(new SinkConfig(SinkConfig.DeleteMode.DELETE, 2, Duration.ofMillis(5), Duration.ofMillis(5))
                .withStatementTimeout(Duration.ofSeconds(1)));

        SinkUnavailableException e = assertThrows(SinkUnavailableException.class, () -> sink.apply(notes(1)));

        assertTrue(e.getMessage().contains("HY008"), e.getMessage());
    }

    private static SinkHealth.Snapshot awaitState(SqlServerSink sink, SinkHealth.State state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            SinkHealth.Snapshot snapshot = sink.health().snapshot();
            if (snapshot.state() == state) {
                return snapshot;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the sink never reported " + state + "; last: " + sink.health().snapshot());
    }
}
