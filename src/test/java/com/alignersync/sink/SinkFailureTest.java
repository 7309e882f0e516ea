package com.alignersync.sink;

import static com.alignersync.sink.support.TestEvents.doctorNote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.sink.support.FailingDataSource;
import com.alignersync.sink.support.H2ClinicTarget;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the sink behaves when SQL Server is failing: retry what is transient, commit nothing otherwise. */
class SinkFailureTest {

    @TempDir
    Path dataDir;

    private static final SinkConfig FAST_RETRIES = new SinkConfig(SinkConfig.DeleteMode.DELETE, 3, Duration.ofMillis(1), Duration.ofMillis(5));

    private SqlServerSink sink(DataSource dataSource, SinkMetrics metrics) {
        return new SqlServerSink(dataSource, SqlDialect.H2, FAST_RETRIES, ZoneOffset.UTC,
                new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC()), metrics, Clock.systemUTC());
    }

    @Test
    void transientConnectionFailuresAreRetriedAndTheBatchLands() throws Exception {
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            FailingDataSource flaky = new FailingDataSource(target.dataSource(), 2);
            BatchResult result = sink(flaky, new SinkMetrics(new SimpleMeterRegistry()))
                    .apply(List.of(doctorNote(Input.WEBHOOK, Op.CREATE, 1, "after two failures", 0)));
            assertEquals(Outcome.APPLIED, result.outcomes().get(0).outcome());
            assertEquals(3, flaky.calls.get());
            assertEquals("after two failures", target.note(1).get("NOTETEXT"));
        }
    }

    @Test
    void persistentTransientFailureGivesUpWithNothingCommitted() throws Exception {
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            SinkMetrics metrics = new SinkMetrics(new SimpleMeterRegistry());
            FailingDataSource down = new FailingDataSource(target.dataSource(), Integer.MAX_VALUE);
            SinkUnavailableException e = assertThrows(SinkUnavailableException.class,
                    () -> sink(down, metrics).apply(List.of(doctorNote(Input.CDC, Op.CREATE, 1, "x", 0))));
            assertTrue(e.getMessage().contains("failed 3 times"), e.getMessage());
            assertEquals(3, down.calls.get());
            assertEquals(1, metrics.failedBatches());
            assertNull(target.note(1));
        }
    }

    @Test
    void equalRetryBoundsMeanAFixedDelay() throws Exception {
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            SinkConfig fixed = new SinkConfig(SinkConfig.DeleteMode.DELETE, 2, Duration.ofMillis(3), Duration.ofMillis(3));
            FailingDataSource flaky = new FailingDataSource(target.dataSource(), 1);
            SqlServerSink sink = new SqlServerSink(flaky, SqlDialect.H2, fixed, ZoneOffset.UTC,
                    new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC()), new SinkMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
            assertEquals(Outcome.APPLIED, sink.apply(List.of(doctorNote(Input.WEBHOOK, Op.CREATE, 1, "x", 0))).outcomes().get(0).outcome());
        }
    }

    @Test
    void unreachableDatabaseIsReportedAsUnavailable() {
        SqlServerConfig config = new SqlServerConfig("jdbc:h2:tcp://127.0.0.1:1/nowhere;MODE=MSSQLServer", "", "", 1, ZoneId.of("UTC"));
        try (ClinicDatabase database = ClinicDatabase.open(config)) {
            SqlServerSink sink = sink(database.dataSource(), new SinkMetrics(new SimpleMeterRegistry()));
            SinkUnavailableException e = assertThrows(SinkUnavailableException.class, sink::checkReady);
            assertTrue(e.getMessage().startsWith("SQL Server is not reachable"), e.getMessage());
            assertThrows(SinkUnavailableException.class, () -> sink.apply(List.of(doctorNote(Input.CDC, Op.CREATE, 1, "x", 0))));
        }
    }
}
