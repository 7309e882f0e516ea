package com.alignersync.sink;

import static com.alignersync.sink.support.TestEvents.doctorNote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.Map;
import com.alignersync.ops.SinkStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DESIGN.md section 7: an outage is never a refusal, and a key is parked only on evidence that
 * the row itself is refused (other keys commit meanwhile), counted across batches and inputs,
 * not inside one batch. Batches here hold one key, as the inputs' batches do in normal running.
 */
class RefusalEvidenceSinkTest {

    private static final String NOTES = "dbo.tblAlignerNotes";
    private static final SinkConfig FAST = new SinkConfig(SinkConfig.DeleteMode.DELETE, 3, Duration.ofMillis(5), Duration.ofMillis(20));

    @TempDir
    Path dataDir;

    HostileClinicTarget target;
    HostileSqlServer sqlServer;
    DeadLetterLog deadLetters;
    SinkMetrics metrics;
    SqlServerSink sink;

    @BeforeEach
    void setUp() throws Exception {
        target = new HostileClinicTarget();
        sqlServer = target.hostile();
        deadLetters = new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC());
        metrics = new SinkMetrics(new SimpleMeterRegistry());
        sink = sink(FAST);
    }

    @AfterEach
    void tearDown() {
        target.close();
    }

    private SqlServerSink sink(SinkConfig config) {
        return new SqlServerSink(sqlServer, target.dialect(), config, ZoneOffset.UTC, deadLetters, metrics, Clock.systemUTC());
    }

    private static final Input[] INPUTS = {Input.CDC, Input.WEBHOOK, Input.POLL};

    @Test
    void anOutageParksNothingAndEveryInputKeepsItsPosition() throws Exception {
        List<ChangeEvent> pending = new ArrayList<>();
        for (int id = 1; id <= 9; id++) {
            pending.add(doctorNote(INPUTS[id % 3], Op.CREATE, id, "edit " + id, id));
        }
        sqlServer.outage(Duration.ofMinutes(5));

        for (ChangeEvent event : pending) {
            SinkUnavailableException e = assertThrows(SinkUnavailableException.class, () -> sink.apply(List.of(event)),
                    "a single-key batch during the outage is not done: the input holds its position");
            assertInstanceOf(SinkUnavailableException.class, e);
        }
        assertEquals(0, deadLetters.count(), "no edit of the outage is parked");

        sqlServer.endOutage();
        for (ChangeEvent event : pending) { // each input delivers again from the position it kept
            assertEquals(Outcome.APPLIED, sink.apply(List.of(event)).outcomes().get(0).outcome());
        }
        for (int id = 1; id <= 9; id++) {
            assertEquals("edit " + id, target.note(id).get("NOTETEXT"));
        }
        assertEquals(0, deadLetters.count());
    }

    @Test
    void anErrorWithANumberNobodyKnowsOnADeadConnectionIsAnOutageToo() throws Exception {
        // The error says nothing known (a driver's own number), but the connection no longer answers.
        sqlServer.triggerFails(NOTES, 1, SqlServerError.TRIGGER_THROW, Effect.RAISE, -1);
        sqlServer.outage(Duration.ofMinutes(5));
        for (int attempt = 0; attempt < 8; attempt++) {
            assertThrows(SinkUnavailableException.class, () -> sink.apply(List.of(doctorNote(Input.CDC, Op.CREATE, 1, "x", 1))));
        }
        assertEquals(0, deadLetters.count());
    }

    enum Refusal {
        TRIGGER_THROW(SqlServerError.TRIGGER_THROW, Effect.DOOM),
        NOT_NULL_COLUMN_ADDED(SqlServerError.NULL_NOT_ALLOWED, Effect.RAISE);

        final SqlServerError error;
        final Effect effect;

        Refusal(SqlServerError error, Effect effect) {
            this.error = error;
            this.effect = effect;
        }
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void sixSingleKeyBatchesRefusedTheSameWayStopWritesByTheFifthAndParkNothing(Refusal refusal) throws Exception {
        for (long id = 1; id <= 6; id++) {
            sqlServer.triggerFails(NOTES, id, refusal.error, refusal.effect, -1);
        }
        List<ChangeEvent> batches = new ArrayList<>();
        for (int id = 1; id <= 6; id++) {
            batches.add(doctorNote(INPUTS[id % 3], Op.CREATE, id, "edit " + id, id));
        }

        for (int i = 0; i < 4; i++) {
            ChangeEvent event = batches.get(i);
            SinkUnavailableException held = assertThrows(SinkUnavailableException.class, () -> sink.apply(List.of(event)));
            assertFalse(held instanceof SinkMisconfiguredException, "one to four refused keys are no evidence yet: " + held.getMessage());
        }
        SinkMisconfiguredException stopped = assertThrows(SinkMisconfiguredException.class, () -> sink.apply(List.of(batches.get(4))));
        assertTrue(stopped.getMessage().contains("error " + refusal.error.number), stopped.getMessage());
        assertThrows(SinkMisconfiguredException.class, () -> sink.apply(List.of(batches.get(5))));
        assertEquals(0, deadLetters.count(), "nothing parked: the inputs hold their positions until the clinic fixes it");
        assertEquals(SinkHealth.State.MISCONFIGURED, sink.health().snapshot().state());
        String warning = sink.health().snapshot().warning(Clock.systemUTC().instant());
        assertTrue(warning.contains("error " + refusal.error.number), warning);

        sqlServer.disarm(); // the clinic fixed its trigger or the column's default
        for (ChangeEvent event : batches) {
            assertEquals(Outcome.APPLIED, sink.apply(List.of(event)).outcomes().get(0).outcome());
        }
        assertEquals(SinkHealth.State.OK, sink.health().snapshot().state());
        assertEquals(0, deadLetters.count());
    }

    @Test
    void aPollPageThatStartsWithDuplicatesThenRefusedRowsIsSystemicNotParked() throws Exception {
        List<ChangeEvent> page = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            page.add(doctorNote(Input.POLL, Op.READ, id, "old " + id, id));
        }
        sink.apply(page);
        for (long id = 4; id <= 9; id++) {
            sqlServer.triggerFails(NOTES, id, SqlServerError.NULL_NOT_ALLOWED, Effect.RAISE, -1);
            page.add(doctorNote(Input.POLL, Op.READ, id, "new " + id, id));
        }

        assertThrows(SinkMisconfiguredException.class, () -> sink.apply(page), "duplicates that commit nothing are no evidence");
        assertEquals(0, deadLetters.count());
    }

    @Test
    void aKeyRefusedAloneIsParkedOnceOtherKeysCommitThroughAnyInput() throws Exception {
        sqlServer.triggerFails(NOTES, 2, SqlServerError.TRIGGER_THROW, Effect.DOOM, -1);
        ChangeEvent bad = doctorNote(Input.CDC, Op.CREATE, 2, "a note the clinic's trigger refuses", 2);

        assertThrows(SinkUnavailableException.class, () -> sink.apply(List.of(bad)), "held: no evidence yet");
        assertEquals(0, deadLetters.count());
        assertEquals(Outcome.APPLIED, sink.apply(List.of(doctorNote(Input.WEBHOOK, Op.CREATE, 3, "another key", 3))).outcomes().get(0).outcome());

        BatchResult redelivered = sink.apply(List.of(bad)); // CDC delivers its batch again
        assertEquals(Outcome.DEAD_LETTER, redelivered.outcomes().get(0).outcome());
        assertTrue(redelivered.outcomes().get(0).detail().contains("error 50000"), redelivered.outcomes().get(0).detail());
        assertEquals(1, deadLetters.count(), "a bad row, told by evidence: the input moves on");
    }

    @Test
    void commitsOfAnotherTableAreNoEvidenceAgainstARow() throws Exception {
        // A clinic trigger broken for every note, while batches keep committing: no note is a bad row.
        for (long id = 1; id <= 6; id++) {
            sqlServer.triggerFails(NOTES, id, SqlServerError.TRIGGER_THROW, Effect.DOOM, -1);
        }
        target.insertBatch(40, 3187, 14);
        for (int id = 1; id <= 4; id++) {
            ChangeEvent note = doctorNote(Input.CDC, Op.CREATE, id, "edit " + id, id);
            assertThrows(SinkUnavailableException.class, () -> sink.apply(List.of(note)));
            assertEquals(Outcome.APPLIED, sink.apply(List.of(TestEvents.batchRead(Input.POLL, 40, 10 + id, id))).outcomes().get(0).outcome());
        }
        assertThrows(SinkMisconfiguredException.class, () -> sink.apply(List.of(doctorNote(Input.CDC, Op.CREATE, 5, "edit 5", 5))));
        assertEquals(0, deadLetters.count());
    }

    @Test
    void aKeyWrittenPastTheBreakersLimitIsParkedWithAnAlarmAndOtherKeysFlow() throws Exception {
        sink = sink(FAST.withPingPong(3, Duration.ofMinutes(2)));
        target.insertBatch(40, 3187, 14);
        target.insertBatch(41, 3187, 14);
        int[] loop = {10, 12, 10, 12};
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < loop.length; i++) {
            outcomes.add(sink.apply(List.of(TestEvents.batchRead(Input.CDC, 40, loop[i], i + 1))).outcomes().get(0).outcome());
        }

        assertEquals(List.of(Outcome.APPLIED, Outcome.APPLIED, Outcome.APPLIED, Outcome.DEAD_LETTER), outcomes);
        assertEquals(10, ((Number) target.batch(40).get("DAYS")).intValue(), "the key stops at its third write");
        assertTrue(deadLetters.readAll().get(0).reason().startsWith("ping-pong breaker"), deadLetters.readAll().get(0).reason());
        assertEquals(List.of("aligner_batches#40"), sink.stoppedByBreaker());
        assertEquals(1, metrics.breakerStops());
        Map<String, Object> status = new SinkStatus(sink, metrics, deadLetters).statusSnapshot();
        assertEquals(List.of("aligner_batches#40"), status.get("stoppedByBreaker"));
        assertTrue(String.valueOf(status.get("warnings")).contains("stopped by the ping-pong breaker"), String.valueOf(status));
        assertEquals(Outcome.APPLIED, sink.apply(List.of(TestEvents.batchRead(Input.CDC, 41, 21, 9))).outcomes().get(0).outcome(),
                "nothing else stops");
        for (int days = 22; days < 28; days++) { // new values each time, as an autosave writes: no loop, never stopped
            assertEquals(Outcome.APPLIED, sink.apply(List.of(TestEvents.batchRead(Input.CDC, 41, days, days))).outcomes().get(0).outcome());
        }

        ChangeEvent parked = TestEvents.batchRead(Input.CDC, 40, 12, 4);
        sink.releaseBreaker(List.of(parked)); // the operator replays the key's dead letters
        assertEquals(Outcome.APPLIED, sink.apply(List.of(parked)).outcomes().get(0).outcome());
        assertNotNull(target.batch(40));
    }
}
