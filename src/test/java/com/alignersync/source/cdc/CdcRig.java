package com.alignersync.source.cdc;

import com.alignersync.config.CdcConfig;
import com.alignersync.config.PostgresUrl;
import com.alignersync.config.SinkConfig;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.sink.support.HostileClinicTarget;
import com.alignersync.support.PortalPostgres;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One CDC input wired as the daemon wires it: real Postgres as the portal, a fresh H2 clinic
 * target, the real sink, a temporary data directory. Fast settings: 10 ms poll interval,
 * short restart backoff.
 */
final class CdcRig implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    /** H2 through the SQL Server emulation layer: unarmed it passes everything through; tests arm it to refuse or lock. */
    final HostileClinicTarget target;
    final Path dataDir;
    final DeadLetterLog deadLetters;
    final SinkMetrics metrics = new SinkMetrics(new SimpleMeterRegistry());
    final SqlServerSink sink;
    final AtomicInteger catchUpRequests = new AtomicInteger();
    private String dbUrl;
    private final String slot;
    private CdcInput input;
    private Duration heartbeatInterval = Duration.ofMillis(1000);
    private String heartbeatQuery = "";
    private Map<String, String> passThrough = Map.of();

    CdcRig(PortalPostgres portal, String slot, Path dataDir) throws Exception {
        this(portal.dbUrl(), slot, dataDir);
    }

    CdcRig(String dbUrl, String slot, Path dataDir) throws Exception {
        this.dbUrl = dbUrl;
        this.slot = slot;
        this.dataDir = dataDir;
        Files.createDirectories(dataDir);
        this.target = new HostileClinicTarget();
        this.deadLetters = new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC());
        this.sink = new SqlServerSink(target.dataSource(), target.dialect(), SinkConfig.defaults(), ZoneOffset.UTC,
                deadLetters, metrics, Clock.systemUTC());
    }

    static CdcConfig config(String dbUrl, String slot, Map<String, String> passThrough) {
        return config(dbUrl, slot, Duration.ofMillis(1000), "", passThrough);
    }

    static CdcConfig config(String dbUrl, String slot, Duration heartbeat, String heartbeatQuery, Map<String, String> passThrough) {
        Map<String, String> pass = new HashMap<>(Map.of("slot.retry.delay.ms", "500"));
        pass.putAll(passThrough);
        return new CdcConfig(true, PostgresUrl.parse(dbUrl), slot, "aligner_sync_pub", "no_data",
                Duration.ofMillis(10), heartbeat, heartbeatQuery, Duration.ofMillis(100), Duration.ofMillis(1000),
                Duration.ofMinutes(10), pass);
    }

    /** Heartbeats for the next start: interval and action query. */
    void heartbeat(Duration interval, String query) {
        this.heartbeatInterval = interval;
        this.heartbeatQuery = query;
    }

    /** Debezium properties for the next start (e.g. {@code max.batch.size}). */
    void passThrough(Map<String, String> properties) {
        this.passThrough = Map.copyOf(properties);
    }

    CdcInput newInput(CommitHook hook) {
        return new CdcInput(config(dbUrl, slot, heartbeatInterval, heartbeatQuery, passThrough), dataDir, sink, deadLetters,
                catchUpRequests::incrementAndGet, Clock.systemUTC(), hook);
    }

    /** Starts the input and waits until the engine streams (the slot exists from then on). */
    CdcInput start() throws Exception {
        return start(CommitHook.NONE);
    }

    CdcInput start(CommitHook hook) throws Exception {
        input = newInput(hook);
        input.start();
        await("the engine streams", () -> input.state() == CdcState.STREAMING);
        return input;
    }

    void stop() {
        if (input != null) {
            input.stop();
            input = null;
        }
    }

    CdcInput input() {
        return input;
    }

    static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting until " + what);
    }

    static void dropSlotIfExists(DataSource postgres, String slot) throws Exception {
        try (Connection c = postgres.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND NOT active");
        }
    }

    static boolean slotExists(DataSource postgres, String slot) throws Exception {
        try (Connection c = postgres.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return rs.next();
        }
    }

    @Override
    public void close() {
        stop();
        target.close();
    }
}
