package com.alignersync.sink;

import static com.alignersync.sink.support.TestEvents.doctorNote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.sink.support.SqlServerClinicTarget;
import com.alignersync.sink.support.SqlServerUnderTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the SQL Server emulation layer stands in for, on a real SQL Server 2022: a clinic
 * trigger's THROW dooms the transaction, a clinic session's lock is bounded by the pool's
 * LOCK_TIMEOUT, and the daemon's sessions carry SESSION_CONTEXT(N'aligner_sync'). Runs against an
 * operator's SQL Server named by {@code -Dalignersync.test.sqlserver.url} (or
 * {@code ALIGNER_SYNC_TEST_SQLSERVER_URL}), else a container wherever Docker is available; skipped
 * without either ({@link SqlServerUnderTest}). It has not run on the machines this was written on.
 */
@ExtendWith(SqlServerUnderTest.IfAvailable.class)
class SqlServerFailuresContainerTest {

    static SqlServerUnderTest server;

    @BeforeAll
    static void resolveServer() {
        server = SqlServerUnderTest.get();
    }

    @TempDir
    Path dataDir;

    private SqlServerSink sink(ClinicDatabase database, DeadLetterLog deadLetters) {
        return new SqlServerSink(database.dataSource(), SqlDialect.SQL_SERVER,
                new SinkConfig(SinkConfig.DeleteMode.DELETE, 3, Duration.ofMillis(10), Duration.ofMillis(50)), ZoneOffset.UTC, deadLetters,
                new SinkMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
    }

    private static ClinicDatabase open(Duration lockTimeout) {
        return ClinicDatabase.open(new SqlServerConfig(server.jdbcUrl(), server.user(), server.password(), 2,
                ZoneId.of("UTC"), lockTimeout));
    }

    private static List<ChangeEvent> notes(int count) {
        return java.util.stream.IntStream.rangeClosed(1, count).mapToObj(id -> doctorNote(Input.CDC, Op.CREATE, id, "note " + id, 0)).toList();
    }

    @Test
    void aClinicTriggersThrowDoomsOnlyItsRowAndNothingLostIsReportedApplied() throws Exception {
        SqlServerClinicTarget target = new SqlServerClinicTarget(server);
        target.execute("CREATE TRIGGER dbo.trg_guard ON dbo.tblAlignerNotes AFTER INSERT, UPDATE AS"
                + " IF EXISTS (SELECT 1 FROM inserted WHERE NoteID = 2) THROW 50000, 'Notes of a closed aligner set cannot be changed', 1;");
        DeadLetterLog deadLetters = new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC());
        try (ClinicDatabase database = open(Duration.ofSeconds(5))) {
            BatchResult result = sink(database, deadLetters).apply(notes(3));

            assertEquals(List.of(Outcome.APPLIED, Outcome.DEAD_LETTER, Outcome.APPLIED),
                    result.outcomes().stream().map(EventOutcome::outcome).toList());
            assertNotNull(target.note(1));
            assertNull(target.note(2));
            assertNotNull(target.note(3));
            assertTrue(result.outcomes().get(1).detail().contains("error 50000"), result.outcomes().get(1).detail());
        }
    }

    @Test
    void aLockHeldInAnotherSessionIsBoundedByTheLockTimeoutAndNamed() throws Exception {
        SqlServerClinicTarget target = new SqlServerClinicTarget(server);
        target.insertNote(1, 3187, "Doctor", "held");
        DeadLetterLog deadLetters = new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC());
        try (ClinicDatabase database = open(Duration.ofMillis(200));
             Connection clinicUser = target.dataSource().getConnection(); Statement s = clinicUser.createStatement()) {
            clinicUser.setAutoCommit(false);
            s.execute("UPDATE dbo.tblAlignerNotes SET IsRead = 1 WHERE NoteID = 1"); // an SSMS session left open
            SqlServerSink sink = sink(database, deadLetters);

            SinkUnavailableException e = assertThrows(SinkUnavailableException.class,
                    () -> sink.apply(List.of(doctorNote(Input.CDC, Op.UPDATE, 1, "from the portal", 2))));
            assertTrue(e.getMessage().contains("1222"), e.getMessage());
            assertEquals(SinkHealth.State.WAITING_ON_LOCK, sink.health().snapshot().state());

            clinicUser.rollback();
            assertEquals(Outcome.APPLIED, sink.apply(List.of(doctorNote(Input.CDC, Op.UPDATE, 1, "from the portal", 2))).outcomes().get(0).outcome());
        }
    }

    @Test
    void theDaemonsSessionsCarryTheSessionContextTheClinicsTriggersSkip() throws Exception {
        try (ClinicDatabase database = open(Duration.ofSeconds(5)); Connection c = database.dataSource().getConnection();
             Statement s = c.createStatement(); var rs = s.executeQuery("SELECT CAST(SESSION_CONTEXT(N'aligner_sync') AS int)")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
    }
}
