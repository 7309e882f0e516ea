package com.alignersync.bench;

import com.alignersync.config.CdcConfig;
import com.alignersync.config.PostgresUrl;
import com.alignersync.config.SinkConfig;
import com.alignersync.event.Input;
import com.alignersync.sink.ClinicDatabase;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.source.cdc.CdcInput;
import com.alignersync.source.cdc.CdcState;
import com.alignersync.source.cdc.DebeziumProperties;
import com.alignersync.support.PortalPostgres;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The CDC input end to end: real PostgreSQL 17 (zonky, {@code synchronous_commit=on}) through
 * the embedded Debezium engine and the sink into in-memory H2 (MODE=MSSQLServer).
 * <ol>
 *   <li>latency: single-row commits one after another, each from commit to the row being
 *       visible in the target; p50/p99;</li>
 *   <li>catch-up: changes made while the input is stopped, then events/s through the sink, and
 *       in the same run the rate of the engine alone (a handler that only marks records
 *       processed) on its own slot, with the ratio.</li>
 * </ol>
 * Run with (see docs/benchmarks.md):
 * <pre>mvn -q test-compile exec:java -Dexec.mainClass=com.alignersync.bench.CdcBenchmark [-Dexec.args="1000 100000 10"]</pre>
 * Arguments: latency commits (1000), catch-up changes (100000), cdc.poll-interval-ms (10).
 */
public final class CdcBenchmark {

    private static final int ROWS_PER_TRANSACTION = 100;

    /** One run's figures: (a) commit-to-visible latency in ms, (b) catch-up rates of the engine alone and through the sink. */
    public record Result(int commits, double p50Ms, double p90Ms, double p99Ms, double maxMs, int changes, double engineRate,
                         double sinkRate, double ratio, double engineCpuMicrosPerEvent, double sinkCpuMicrosPerEvent,
                         double decodeRate, double ratioToDecode) {
    }

    /**
     * One catch-up round: both rates, and this JVM's CPU time per event over the same window as the rate (streaming to
     * the last event; the engine's start is outside it): the decoder's and, with the sink, the handler's and H2's.
     */
    private record Round(double engineRate, double sinkRate, double engineCpu, double sinkCpu, double decodeRate) {
    }

    public static void main(String[] args) throws Exception {
        int commits = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int pollMs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        measure(commits, changes, pollMs, rounds);
        System.exit(0);
    }

    /**
     * Both runs against one embedded PostgreSQL; prints as it goes and returns the figures. The
     * catch-up runs once to warm up and then {@code rounds} times (fresh slots and rows each time) and
     * reports the median rates and the median of the rounds' own ratios: one run's ratio moved from
     * 0.67 to 1.14 between runs on the shared machine.
     */
    public static Result measure(int commits, int changes, int pollMs, int rounds) throws Exception {
        quietLibraries();
        System.out.printf("aligner-sync CDC benchmark: PostgreSQL 17 (embedded, synchronous_commit=on) -> Debezium %s (pgoutput)"
                        + " -> sink -> H2 MODE=MSSQLServer in memory; poll.interval.ms=%d; %d cores%n",
                DebeziumEngine.class.getPackage().getImplementationVersion(), pollMs, Runtime.getRuntime().availableProcessors());
        Path work = Files.createTempDirectory("cdc-bench");
        try (PortalPostgres portal = PortalPostgres.start()) {
            portal.execute(Files.readString(Path.of("connector-config/supabase-setup.sql")));
            long[] latencies = latency(portal, work.resolve("latency"), commits, pollMs);
            portal.execute("SELECT pg_drop_replication_slot('bench_latency')");
            // Round 0 warms up and is not counted: in the first round the engine alone, which runs first, also paid
            // for compiling Debezium's code (one run gave 22,600 events/s in round 1, then 34,400 and 37,200).
            List<Round> done = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) {
                Round measured = catchUp(portal, work.resolve("catch-up-" + round), changes, pollMs, round);
                if (round > 0) {
                    done.add(measured);
                }
            }
            double ratio = SinkBenchmark.median(done.stream().mapToDouble(r -> r.sinkRate() / r.engineRate()).toArray());
            double decode = SinkBenchmark.median(done.stream().mapToDouble(Round::decodeRate).toArray());
            double ratioToDecode = SinkBenchmark.median(done.stream().mapToDouble(r -> r.sinkRate() / r.decodeRate()).toArray());
            double engine = SinkBenchmark.median(done.stream().mapToDouble(Round::engineRate).toArray());
            double sink = SinkBenchmark.median(done.stream().mapToDouble(Round::sinkRate).toArray());
            double engineCpu = SinkBenchmark.median(done.stream().mapToDouble(Round::engineCpu).toArray());
            double sinkCpu = SinkBenchmark.median(done.stream().mapToDouble(Round::sinkCpu).toArray());
            System.out.printf("%n    median of %d rounds after the warm-up: engine alone %,9.0f events/s, through the sink %,9.0f events/s,"
                    + " ratio %4.2f (median of the rounds' ratios); JVM CPU %4.1f / %4.1f us per event%n", rounds, engine, sink, ratio,
                    engineCpu, sinkCpu);
            return new Result(commits, ms(pct(latencies, 50)), ms(pct(latencies, 90)), ms(pct(latencies, 99)),
                    ms(latencies[latencies.length - 1]), changes, engine, sink, ratio, engineCpu, sinkCpu, decode, ratioToDecode);
        }
    }

    private static CdcConfig config(PortalPostgres portal, String slot, int pollMs) {
        return new CdcConfig(true, PostgresUrl.parse(portal.dbUrl()), slot, "aligner_sync_pub", "no_data",
                Duration.ofMillis(pollMs), Duration.ofSeconds(10), "", Duration.ofMillis(200), Duration.ofSeconds(5),
                Duration.ofMinutes(10), Map.of());
    }

    private record Rig(ClinicDatabase target, SinkMetrics metrics, SimpleMeterRegistry registry, CdcInput input) {
        long decided() {
            long n = 0;
            for (Outcome outcome : Outcome.values()) {
                n += metrics.count(Input.CDC, outcome);
            }
            return n;
        }
    }

    private static Rig rig(PortalPostgres portal, Path dataDir, String slot, int pollMs) throws Exception {
        Files.createDirectories(dataDir);
        ClinicDatabase target = BenchClinic.open("cdc-bench");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SinkMetrics metrics = new SinkMetrics(registry);
        DeadLetterLog deadLetters = new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC());
        SqlServerSink sink = new SqlServerSink(target.dataSource(), target.dialect(), SinkConfig.defaults(), ZoneOffset.UTC,
                deadLetters, metrics, Clock.systemUTC());
        CdcInput input = new CdcInput(config(portal, slot, pollMs), dataDir, sink, deadLetters, () -> { });
        return new Rig(target, metrics, registry, input);
    }

    private static void awaitStreaming(CdcInput input) throws InterruptedException {
        while (input.state() != CdcState.STREAMING) {
            Thread.sleep(5);
        }
    }

    /** @return the sorted commit-to-visible latencies in nanoseconds */
    private static long[] latency(PortalPostgres portal, Path dataDir, int commits, int pollMs) throws Exception {
        Rig rig = rig(portal, dataDir, "bench_latency", pollMs);
        rig.input().start();
        awaitStreaming(rig.input());
        long[] nanos = new long[commits];
        int warmUp = Math.min(50, commits);
        try (Connection pg = portal.dataSource().getConnection();
             PreparedStatement insert = pg.prepareStatement(
                     "INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (?, 1, 'Doctor', 'latency probe')");
             Connection h2 = rig.target().dataSource().getConnection();
             PreparedStatement visible = h2.prepareStatement("SELECT 1 FROM dbo.tblAlignerNotes WHERE NoteID = ?")) {
            pg.setAutoCommit(true);
            for (int i = -warmUp; i < commits; i++) {
                int id = 1_000_000 + i + warmUp;
                insert.setInt(1, id);
                insert.executeUpdate();
                long committed = System.nanoTime();
                visible.setInt(1, id);
                while (true) {
                    try (ResultSet rs = visible.executeQuery()) {
                        if (rs.next()) {
                            break;
                        }
                    }
                    LockSupport.parkNanos(100_000);
                }
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - committed;
                }
            }
        }
        rig.input().stop();
        rig.target().close();
        Arrays.sort(nanos);
        System.out.printf("%n(a) latency, %,d single-row commits (after %d warm-up), commit -> row visible in the target:%n", commits, warmUp);
        System.out.printf("    p50 %6.1f ms   p90 %6.1f ms   p99 %6.1f ms   max %6.1f ms   mean %6.1f ms%n",
                ms(pct(nanos, 50)), ms(pct(nanos, 90)), ms(pct(nanos, 99)), ms(nanos[nanos.length - 1]),
                ms((long) Arrays.stream(nanos).average().orElse(0)));
        return nanos;
    }

    /** One round: the same changes read by the engine alone and through the sink, each from its own slot. */
    private static Round catchUp(PortalPostgres portal, Path dataDir, int changes, int pollMs, int round) throws Exception {
        portal.execute("TRUNCATE aligner_notes");
        String sinkSlot = "bench_sink_" + round;
        String rawSlot = "bench_raw_" + round;
        String decodeSlot = "bench_decode_" + round;
        // All slots exist before the changes, so each run reads the same 'changes' from its own slot.
        Rig rig = rig(portal, dataDir.resolve("sink"), sinkSlot, pollMs);
        rig.input().start();
        awaitStreaming(rig.input());
        rig.input().stop();
        rig.target().close();
        RawEngine raw = new RawEngine(config(portal, rawSlot, pollMs), dataDir.resolve("raw"), true);
        raw.run(0);
        RawEngine decode = new RawEngine(config(portal, decodeSlot, pollMs), dataDir.resolve("decode"), false);
        decode.run(0);

        long started = System.nanoTime();
        try (Connection pg = portal.dataSource().getConnection(); Statement s = pg.createStatement()) {
            pg.setAutoCommit(true);
            for (int from = 1; from <= changes; from += ROWS_PER_TRANSACTION) {
                int to = Math.min(changes, from + ROWS_PER_TRANSACTION - 1);
                s.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text)"
                        + " SELECT g, g % 500, 'Doctor', 'catch-up note ' || g FROM generate_series(" + from + ", " + to + ") g");
            }
        }
        System.out.printf("%n(b) catch-up, %s: %,d inserts made while stopped, in transactions of %d rows (%.1f s to make)%n",
                round == 0 ? "warm-up round, not counted" : "round " + round, changes, ROWS_PER_TRANSACTION, (System.nanoTime() - started) / 1e9);

        double rawSeconds = raw.run(changes);
        double rawCpu = raw.cpuNanos() / 1e3 / changes;
        double rawRate = changes / rawSeconds;
        System.out.printf("    engine alone (no sink): %,d events in %6.2f s = %,9.0f events/s; JVM CPU %5.1f us/event; %,d batches%n",
                changes, rawSeconds, rawRate, rawCpu, raw.batches());
        double decodeRate = changes / decode.run(changes);
        System.out.printf("    engine alone, offsets flushed every 60 s instead of after each batch: %,9.0f events/s; %,d batches%n",
                decodeRate, decode.batches());

        Rig sinkRig = rig(portal, dataDir.resolve("sink"), sinkSlot, pollMs);
        sinkRig.input().start();
        awaitStreaming(sinkRig.input());
        long t0 = System.nanoTime();
        long cpu = processCpuNanos();
        while (sinkRig.decided() < changes) {
            Thread.sleep(2);
        }
        double sinkSeconds = (System.nanoTime() - t0) / 1e9;
        double sinkCpu = (processCpuNanos() - cpu) / 1e3 / changes;
        sinkRig.input().stop();
        double sinkRate = changes / sinkSeconds;
        System.out.printf("    through the sink:       %,d events in %6.2f s = %,9.0f events/s; JVM CPU %5.1f us/event; %,d batches"
                        + " (applied %,d, target rows %,d)%n", changes, sinkSeconds, sinkRate, sinkCpu,
                sinkRig.registry().get("aligner_sync_sink_batches").timer().count(),
                sinkRig.metrics().count(Input.CDC, Outcome.APPLIED), countNotes(sinkRig.target()));
        System.out.printf("    ratio:                  %6.2f (through the sink / engine alone)%n", sinkRate / rawRate);
        sinkRig.target().close();
        for (String slot : new String[] {sinkSlot, rawSlot, decodeSlot}) {
            portal.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        }
        return new Round(rawRate, sinkRate, rawCpu, sinkCpu, decodeRate);
    }

    /** CPU time of this JVM, all threads: the engine's decoder, the handler, the sink and the in-memory H2 target. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long countNotes(ClinicDatabase target) throws java.sql.SQLException {
        try (Connection c = target.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM dbo.tblAlignerNotes")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The engine with our configuration and offset store, and a handler that only counts and marks processed.
     * With an instant handler the engine hands over small batches (200-400 for 100,000 changes, against 50-70
     * through the sink), and with offset.flush.interval.ms=0 each batch is a write of the offsets file: so the
     * baseline of the issue is slower than decoding alone. {@code flushEachBatch=false} flushes every 60 s instead,
     * the engine's own pace.
     */
    private static final class RawEngine {
        private final CdcConfig config;
        private final Path dataDir;
        private final boolean flushEachBatch;
        private long cpuNanos;
        private final AtomicLong batches = new AtomicLong();

        /** Batches the engine handed the handler in the last {@link #run}: each one is an offset flush (offset.flush.interval.ms=0). */
        long batches() {
            return batches.get();
        }

        /** This JVM's CPU time over the last {@link #run}'s measured window (polling started to the last event). */
        long cpuNanos() {
            return cpuNanos;
        }

        RawEngine(CdcConfig config, Path dataDir, boolean flushEachBatch) {
            this.config = config;
            this.dataDir = dataDir;
            this.flushEachBatch = flushEachBatch;
        }

        /** @return seconds from the engine polling to the {@code expected}-th change event; 0 when none expected */
        double run(int expected) throws Exception {
            Files.createDirectories(dataDir);
            AtomicLong seen = new AtomicLong();
            AtomicLong pollingAt = new AtomicLong();
            AtomicLong doneAt = new AtomicLong();
            AtomicLong cpuAtPolling = new AtomicLong();
            batches.set(0);
            AtomicLong cpuAtDone = new AtomicLong();
            java.util.Properties properties = DebeziumProperties.of(config, dataDir.resolve("offsets.json"));
            if (!flushEachBatch) {
                properties.setProperty("offset.flush.interval.ms", "60000");
            }
            DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(properties)
                    .using(new DebeziumEngine.ConnectorCallback() {
                        @Override
                        public void pollingStarted() {
                            cpuAtPolling.set(processCpuNanos());
                            pollingAt.set(System.nanoTime());
                        }
                    })
                    .notifying((records, committer) -> {
                        batches.incrementAndGet();
                        for (RecordChangeEvent<SourceRecord> record : records) {
                            if (record.record().value() instanceof Struct value && value.schema().field("op") != null
                                    && seen.incrementAndGet() == expected) {
                                cpuAtDone.set(processCpuNanos());
                                doneAt.set(System.nanoTime());
                            }
                            committer.markProcessed(record);
                        }
                        committer.markBatchFinished();
                    })
                    .build();
            ExecutorService executor = Executors.newSingleThreadExecutor();
            executor.execute(engine);
            while (pollingAt.get() == 0 || (expected > 0 && doneAt.get() == 0)) {
                Thread.sleep(2);
            }
            engine.close();
            executor.shutdown();
            cpuNanos = cpuAtDone.get() - cpuAtPolling.get();
            return expected == 0 ? 0 : (doneAt.get() - pollingAt.get()) / 1e9;
        }
    }

    /** The engine logs its whole configuration at INFO on every start: keep the numbers readable. */
    private static void quietLibraries() {
        for (String name : new String[] {"io.debezium", "org.apache.kafka", "io.zonky"}) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name)).setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private static long pct(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
