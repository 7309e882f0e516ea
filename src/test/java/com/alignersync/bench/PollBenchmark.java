package com.alignersync.bench;

import com.alignersync.config.PollConfig;
import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import com.alignersync.sink.ClinicDatabase;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.sink.support.ClinicSchema;
import com.alignersync.source.poll.CursorStream;
import com.alignersync.source.poll.KeysetCursor;
import com.alignersync.source.poll.PollSummary;
import com.alignersync.source.poll.Poller;
import com.alignersync.portal.PostgrestClient;
import com.alignersync.source.poll.support.FakePostgrest;
import com.alignersync.state.PollStateStore;
import com.alignersync.support.PortalPostgres;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Catch-up of changed rows through the fake PostgREST (real embedded Postgres) into H2
 * (MODE=MSSQLServer), against fetching the same pages without applying them. Run with (see docs/benchmarks.md):
 * <pre>mvn -q test-compile exec:java -Dexec.mainClass=com.alignersync.bench.PollBenchmark [-Dexec.args="100000 1000"]</pre>
 * Arguments: changed rows (default 100,000, half batches, half new Doctor notes), page size (default 1,000).
 */
public final class PollBenchmark {

    private static final String KEY = "sb_secret_benchmark";

    /** One run's figures: rows/s fetching the pages alone, and rows/s of the poll (fetch and apply). */
    /** @param ratio the median of the rounds' own ratios (each poll against the fetch of its round) */
    public record Result(int rows, double fetchRate, double pollRate, double ratio) {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int pageSize = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        measure(rows, pageSize, rounds);
    }

    /**
     * Prints as it goes and returns the figures: the medians of {@code rounds} rounds of fetching
     * alone and polling, after a warm-up round of both (before, the poll ran once, cold, against a
     * warmed-up fetch).
     */
    public static Result measure(int rows, int pageSize, int rounds) throws Exception {
        int batches = rows / 2;
        int notes = rows - batches;
        System.out.printf("aligner-sync poll benchmark: %,d changed rows (%,d batches, %,d new Doctor notes) spread over 23 h,"
                + " page size %,d, server cap 1,000, embedded PostgreSQL 17 -> fake PostgREST -> H2 MODE=MSSQLServer, %d cores%n",
                rows, batches, notes, pageSize, Runtime.getRuntime().availableProcessors());
        Instant now = Instant.now();
        try (PortalPostgres portal = PortalPostgres.start(); FakePostgrest rest = FakePostgrest.start(portal.dataSource(), KEY)) {
            String nowSql = "'" + now + "'::timestamptz";
            portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days, updated_at) SELECT g, g % 900, 10, "
                    + nowSql + " - make_interval(secs => 60 + (g % 82000)) FROM generate_series(1, " + batches + ") g");
            portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text, created_at, is_read) SELECT g, g % 900,"
                    + " 'Doctor', 'benchmark note ' || g || ' with a typical length of text for a doctor''s instruction', "
                    + nowSql + " - make_interval(secs => 60 + (g % 82000)), false FROM generate_series(1, " + notes + ") g");
            portal.execute("CREATE INDEX ON aligner_batches (updated_at, aligner_batch_id);"
                    + " CREATE INDEX ON aligner_notes (created_at, note_id); CREATE INDEX ON aligner_notes (edited_at, note_id); ANALYZE");

            ObjectMapper mapper = new ObjectMapper();
            PostgrestClient client = new PostgrestClient(rest.restUrl(), KEY, Duration.ofSeconds(60), mapper);
            // The same columns the poller asks this portal for: it has neither notes' updated_at nor the origin stamps.
            List<CursorStream> streams = new ArrayList<>(CursorStream.notes(false, false));
            streams.add(CursorStream.batches(false));
            Instant from = now.minus(24, ChronoUnit.HOURS).minus(10, ChronoUnit.MINUTES);

            // Round 0 warms up (JIT, Postgres buffers) and is not counted; each round polls into a fresh clinic and state.
            double[] fetchRates = new double[rounds];
            double[] pollRates = new double[rounds];
            double[] ratios = new double[rounds];
            for (int round = 0; round <= rounds; round++) {
                String label = round == 0 ? "warm-up" : "round " + round;
                long[] cpu = busyTicks();
                long fetchStarted = System.nanoTime();
                int fetched = fetchOnly(client, streams, from, pageSize);
                double fetchSeconds = (System.nanoTime() - fetchStarted) / 1e9;
                System.out.printf("%s: fetch only: %,d rows in %.2f s (same queries and pages, JSON parsed, nothing applied); machine CPU busy %.0f%%%n",
                        label, fetched, fetchSeconds, busyPercent(cpu, busyTicks()));
                PollSummary summary;
                double pollSeconds;
                Path dataDir = Files.createTempDirectory("poll-bench");
                try (ClinicDatabase database = clinic(batches)) {
                    Clock clock = Clock.systemUTC();
                    DeadLetterLog deadLetters = new DeadLetterLog(dataDir, mapper, clock);
                    SqlServerSink sink = new SqlServerSink(database.dataSource(), database.dialect(), SinkConfig.defaults(), ZoneId.of("UTC"),
                            deadLetters, new SinkMetrics(new SimpleMeterRegistry()), clock);
                    PollConfig config = new PollConfig(true, rest.restUrl(), KEY, Duration.ofMinutes(60), pageSize, Duration.ofMinutes(10),
                            Duration.ofHours(24), Duration.ofSeconds(60), PollConfig.NotesCursor.CREATED_EDITED);
                    Poller poller = Poller.open(config, client, sink, deadLetters, new PollStateStore(dataDir, mapper), clock);
                    System.gc();
                    long[] pollCpu = busyTicks();
                    long pollStarted = System.nanoTime();
                    summary = poller.poll();
                    pollSeconds = (System.nanoTime() - pollStarted) / 1e9;
                    if (!summary.ok()) {
                        throw new IllegalStateException("poll failed: " + summary.error());
                    }
                    int pages = summary.streams().stream().mapToInt(s -> s.pages()).sum();
                    System.out.printf("%s: poll:       %,d rows in %.2f s, %d requests; applied %,d, dead letters %,d; state file %,d bytes;"
                                    + " machine CPU busy %.0f%%%n", label, summary.fetched(), pollSeconds, pages, summary.total(Outcome.APPLIED),
                            summary.total(Outcome.DEAD_LETTER) + summary.invalid(), Files.size(dataDir.resolve(PollStateStore.FILE_NAME)),
                            busyPercent(pollCpu, busyTicks()));
                }
                if (round > 0) {
                    fetchRates[round - 1] = fetched / fetchSeconds;
                    pollRates[round - 1] = summary.fetched() / pollSeconds;
                    ratios[round - 1] = pollRates[round - 1] / fetchRates[round - 1];
                }
            }
            double pollRate = SinkBenchmark.median(pollRates);
            double fetchRate = SinkBenchmark.median(fetchRates);
            System.out.printf("%ncatch-up (fetch + apply): %,10.0f rows/s (median of %d rounds)%n", pollRate, rounds);
            System.out.printf("fetch only:               %,10.0f rows/s (median of %d rounds)%n", fetchRate, rounds);
            double ratio = SinkBenchmark.median(ratios);
            System.out.printf("ratio:                    %10.2f (catch-up / fetch only, median of the rounds' ratios)%n", ratio);
            return new Result(rows, fetchRate, pollRate, ratio);
        }
    }

    /** The whole machine's busy and total jiffies from /proc/stat (zeros where there is none): shows whether a phase had CPU to spare. */
    static long[] busyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (Exception e) {
            return new long[] {0, 0};
        }
    }

    static double busyPercent(long[] before, long[] after) {
        long total = after[1] - before[1];
        return total == 0 ? Double.NaN : 100.0 * (after[0] - before[0]) / total;
    }

    /** Pages through every stream as the poller does, without converting or applying. */
    private static int fetchOnly(PostgrestClient client, List<CursorStream> streams, Instant from, int pageSize) throws Exception {
        int total = 0;
        for (CursorStream stream : streams) {
            KeysetCursor position = KeysetCursor.startingAt(from);
            int largest = 0;
            while (true) {
                JsonNode rows = client.get(stream.table().tableName(), stream.pageQuery(position, pageSize));
                total += rows.size();
                if (rows.isEmpty()) {
                    break;
                }
                JsonNode last = rows.get(rows.size() - 1);
                position = new KeysetCursor(Instant.parse(last.get(stream.tsColumn()).asText().replace("+00:00", "Z")),
                        last.get(stream.keyColumn()).asLong());
                boolean shortPage = rows.size() < pageSize && rows.size() < largest;
                largest = Math.max(largest, rows.size());
                if (shortPage) {
                    break;
                }
            }
        }
        return total;
    }

    private static ClinicDatabase clinic(int batches) throws Exception {
        ClinicDatabase database = BenchClinic.open("poll-bench");
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO dbo.tblAlignerBatches (AlignerBatchID, AlignerSetID, BatchSequence, Days)"
                    + " SELECT X, MOD(X, 900), 1, 14 FROM SYSTEM_RANGE(1, " + batches + ")");
            c.commit();
        }
        return database;
    }
}
