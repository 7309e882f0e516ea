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
import com.alignersync.sink.support.H2ClinicTarget;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
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
            FlakyDataSource flaky = new FlakyDataSource(target.dataSource(), 2);
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
            FlakyDataSource down = new FlakyDataSource(target.dataSource(), Integer.MAX_VALUE);
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
            FlakyDataSource flaky = new FlakyDataSource(target.dataSource(), 1);
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

    /** Fails the first {@code failures} connection requests as a pool timeout would. */
    private static final class FlakyDataSource implements DataSource {
        private final DataSource delegate;
        private final int failures;
        final AtomicInteger calls = new AtomicInteger();

        FlakyDataSource(DataSource delegate, int failures) {
            this.delegate = delegate;
            this.failures = failures;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (calls.incrementAndGet() <= failures) {
                throw new SQLTransientConnectionException("clinic-db - Connection is not available, request timed out");
            }
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
