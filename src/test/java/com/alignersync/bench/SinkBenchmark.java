package com.alignersync.bench;

import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.event.Row;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.BatchResult;
import com.alignersync.sink.ClinicDatabase;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.sink.DecisionListener;
import com.alignersync.trace.DecisionJournal;
import com.alignersync.sink.support.ClinicSchema;
import com.alignersync.sink.support.TestEvents;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Sink throughput into H2 (MODE=MSSQLServer), against a plain batched JDBC insert of the same
 * number of rows into the same tables and a plain batched upsert of the same events. Run with (see docs/benchmarks.md):
 * <pre>mvn -q test-compile exec:java -Dexec.mainClass=com.alignersync.bench.SinkBenchmark [-Dexec.args=100000]</pre>
 */
public final class SinkBenchmark {

    private static final int BATCH = 500;
    private static final int BATCH_ROWS = 5_000;

    /**
     * One run's figures: the sink, and in the same run a plain batched insert of as many rows and a
     * plain batched upsert (MERGE on the key, no ledger, no reads) of the same events.
     */
    /** @param journaledRate the sink with the decision journal of {@code trace} on; {@code journalRatio} = journaled / plain sink */
    public record Result(int events, double sinkRate, double insertRate, double upsertRate, double ratioToInsert, double ratioToUpsert,
                         Map<Outcome, Integer> outcomes, double journaledRate, double journalRatio) {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Result result = measure(events);
        System.out.printf("%nsink:         %,10.0f events/s%n", result.sinkRate());
        System.out.printf("plain insert: %,10.0f rows/s (batched JDBC INSERT, no dedup, no ledger)%n", result.insertRate());
        System.out.printf("plain upsert: %,10.0f events/s (the same events as batched MERGE on the key, no dedup, no ledger)%n",
                result.upsertRate());
        System.out.printf("ratio:        %10.2f (sink / plain insert)%n", result.ratioToInsert());
        System.out.printf("ratio:        %10.2f (sink / plain upsert)%n", result.ratioToUpsert());
        System.out.printf("journaled:    %,10.0f events/s (the sink with trace's decision journal on)%n", result.journaledRate());
        System.out.printf("ratio:        %10.2f (journaled / sink: the cost of keeping trace on)%n", result.journalRatio());
    }

    /**
     * Rounds of the three runs, interleaved so that a burst of other work on the machine falls on
     * all three alike; each rate is the median of its rounds, each ratio the median of the rounds' own ratios
     * (a sink round against the insert and upsert of the same round). One round of a 100,000-row insert
     * lasts a fifth of a second, so a single GC or scheduler pause moved the baseline by 4x
     * between single runs (155,000-630,000 rows/s on the same quiet machine).
     */
    static final int ROUNDS = 5;

    /** Warm-up, then {@link #ROUNDS} rounds of the sink, the plain insert and the plain upsert, in this JVM. */
    public static Result measure(int events) throws Exception {
        System.out.printf("aligner-sync sink benchmark: %,d events (mixed notes and batches, 10%% duplicates, 5%% stale), batches of %d,"
                + " H2 MODE=MSSQLServer in memory, %d cores, median of %d rounds%n", events, BATCH, Runtime.getRuntime().availableProcessors(), ROUNDS);
        runSink("warm-up", Math.min(events, 20_000), false, new EnumMap<>(Outcome.class));
        runSink("warm-up-journal", Math.min(events, 20_000), false, new EnumMap<>(Outcome.class), true);
        runPlainUpsert("warm-up", Math.min(events, 20_000), false);
        runPlainInsert("warm-up", Math.min(events, 20_000), false);
        double[] sink = new double[ROUNDS];
        double[] insert = new double[ROUNDS];
        double[] upsert = new double[ROUNDS];
        double[] toInsert = new double[ROUNDS];
        double[] toUpsert = new double[ROUNDS];
        double[] journaled = new double[ROUNDS];
        double[] toSink = new double[ROUNDS];
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        for (int round = 0; round < ROUNDS; round++) {
            Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
            sink[round] = runSink("round-" + round, events, true, counts);
            insert[round] = runPlainInsert("round-" + round, events, true);
            upsert[round] = runPlainUpsert("round-" + round, events, true);
            toInsert[round] = sink[round] / insert[round];
            toUpsert[round] = sink[round] / upsert[round];
            journaled[round] = runSink("round-" + round + "-journal", events, true, new EnumMap<>(Outcome.class), true);
            toSink[round] = journaled[round] / sink[round];
            outcomes = counts;
        }
        return new Result(events, median(sink), median(insert), median(upsert), median(toInsert), median(toUpsert), outcomes,
                median(journaled), median(toSink));
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** 85% new versions, 10% exact repeats of an earlier event, 5% older versions of a key already moved on. */
    static List<ChangeEvent> workload(int count) {
        Random random = new Random(7);
        List<ChangeEvent> out = new ArrayList<>(count);
        long[] noteVersion = new long[count];
        long[] batchVersion = new long[BATCH_ROWS + 1];
        int[] batchDays = new int[BATCH_ROWS + 1];
        int notes = 0;
        Input[] inputs = Input.values();
        for (int i = 0; i < count; i++) {
            Input input = inputs[random.nextInt(inputs.length)];
            int roll = random.nextInt(100);
            if (roll < 10 && !out.isEmpty()) {
                // The same change delivered again by another input, shortly after the first copy.
                out.add(out.get(Math.max(0, out.size() - 1 - random.nextInt(20))));
            } else if (roll < 15 && notes > 0) {
                long key = random.nextInt(notes) + 1;
                out.add(TestEvents.doctorNote(input, Op.UPDATE, key, "stale text", Math.max(0, noteVersion[(int) key] - 1000)));
            } else if (random.nextBoolean()) {
                long key;
                if (notes == 0 || random.nextInt(3) == 0) {
                    key = ++notes;
                } else {
                    key = random.nextInt(notes) + 1;
                }
                long version = ++noteVersion[(int) key] + 1000;
                noteVersion[(int) key] = version;
                out.add(TestEvents.doctorNote(input, Op.UPDATE, key, "note " + key + " edit " + version, version));
            } else {
                int key = random.nextInt(BATCH_ROWS) + 1;
                long version = ++batchVersion[key];
                int oldDays = batchDays[key] == 0 ? 14 : batchDays[key];
                int newDays = oldDays == 14 ? 10 : 14;
                batchDays[key] = newDays;
                out.add(TestEvents.daysChange(input, key, oldDays, newDays, version));
            }
        }
        return out;
    }

    private static void seedBatches(ClinicDatabase database) throws Exception {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO dbo.tblAlignerBatches (AlignerBatchID, AlignerSetID, BatchSequence, Days) VALUES (?, 1, 1, 14)")) {
            for (int id = 1; id <= BATCH_ROWS; id++) {
                insert.setInt(1, id);
                insert.addBatch();
            }
            insert.executeBatch();
            c.commit();
        }
    }

    private static double runSink(String label, int count, boolean report, Map<Outcome, Integer> counts) throws Exception {
        return runSink(label, count, report, counts, false);
    }

    /** @param journal with the decision journal {@code trace} reads (written to a temporary data directory) */
    private static double runSink(String label, int count, boolean report, Map<Outcome, Integer> counts, boolean journal) throws Exception {
        List<ChangeEvent> events = workload(count);
        Path dataDir = Files.createTempDirectory("sink-bench");
        try (ClinicDatabase database = BenchClinic.open("sink-" + label)) {
            seedBatches(database);
            SinkMetrics metrics = new SinkMetrics(new SimpleMeterRegistry());
            // The workload writes up to dozens of versions of a key within a second, values repeating: the
            // ping-pong breaker would rightly stop those keys, and this measures the sink, not the breaker.
            SinkConfig config = SinkConfig.defaults().withPingPong(0, java.time.Duration.ofMinutes(2));
            SqlServerSink sink = new SqlServerSink(database.dataSource(), database.dialect(), config, ZoneId.of("UTC"),
                    new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC()), metrics, Clock.systemUTC(),
                    journal ? new DecisionJournal(dataDir, new ObjectMapper(), Clock.systemUTC(), 7, Long.MAX_VALUE) : DecisionListener.NONE);
            System.gc();
            long started = System.nanoTime();
            for (int i = 0; i < events.size(); i += BATCH) {
                BatchResult result = sink.apply(events.subList(i, Math.min(events.size(), i + BATCH)));
                result.counts().forEach((k, v) -> counts.merge(k, v, Integer::sum));
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (report) {
                Runtime rt = Runtime.getRuntime();
                System.out.printf("sink%s run: %,d events in %.2f s; outcomes %s; heap used after run %,d MiB%n",
                        journal ? " (journaled)" : "", events.size(), seconds, counts, (rt.totalMemory() - rt.freeMemory()) >> 20);
            }
            return events.size() / seconds;
        }
    }

    /**
     * The fairer baseline: the sink's own events (duplicates and stale versions included), each
     * written as it comes by a batched MERGE on the key into the same tables, batches of
     * {@value #BATCH} in one transaction each; no ledger, nothing read, no dedup.
     */
    private static double runPlainUpsert(String label, int count, boolean report) throws Exception {
        List<ChangeEvent> events = workload(count);
        try (ClinicDatabase database = BenchClinic.open("upsert-" + label)) {
            seedBatches(database);
            System.gc();
            long started = System.nanoTime();
            try (Connection c = database.dataSource().getConnection();
                 PreparedStatement notes = c.prepareStatement("MERGE INTO dbo.tblAlignerNotes"
                         + " (NoteID, AlignerSetID, NoteType, NoteText, CreatedAt, IsEdited, EditedAt, IsRead) KEY (NoteID) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement batches = c.prepareStatement("MERGE INTO dbo.tblAlignerBatches"
                         + " (AlignerBatchID, AlignerSetID, BatchSequence, Days) KEY (AlignerBatchID) VALUES (?, ?, 1, ?)")) {
                for (int i = 0; i < events.size(); i++) {
                    ChangeEvent event = events.get(i);
                    Row row = event.after();
                    if (event.table() == SourceTable.ALIGNER_NOTES) {
                        notes.setLong(1, event.key());
                        notes.setLong(2, row.integer("aligner_set_id"));
                        notes.setString(3, row.text("note_type"));
                        notes.setString(4, row.text("note_text"));
                        notes.setObject(5, localTime(row.timestamp("created_at")));
                        Boolean edited = row.bool("is_edited");
                        if (edited == null) {
                            notes.setNull(6, Types.BIT);
                        } else {
                            notes.setBoolean(6, edited);
                        }
                        notes.setObject(7, localTime(row.timestamp("edited_at")));
                        notes.setBoolean(8, Boolean.TRUE.equals(row.bool("is_read")));
                        notes.addBatch();
                    } else {
                        batches.setLong(1, event.key());
                        batches.setLong(2, row.integer("aligner_set_id"));
                        Long days = row.integer("days");
                        if (days == null) {
                            batches.setNull(3, Types.INTEGER);
                        } else {
                            batches.setLong(3, days);
                        }
                        batches.addBatch();
                    }
                    if ((i + 1) % BATCH == 0) {
                        notes.executeBatch();
                        batches.executeBatch();
                        c.commit();
                    }
                }
                notes.executeBatch();
                batches.executeBatch();
                c.commit();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (report) {
                System.out.printf("plain upsert run: %,d events in %.2f s%n", events.size(), seconds);
            }
            return events.size() / seconds;
        }
    }

    private static LocalDateTime localTime(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static double runPlainInsert(String label, int count, boolean report) throws Exception {
        try (ClinicDatabase database = BenchClinic.open("plain-" + label)) {
            System.gc();
            long started = System.nanoTime();
            try (Connection c = database.dataSource().getConnection();
                 PreparedStatement notes = c.prepareStatement("INSERT INTO dbo.tblAlignerNotes"
                         + " (NoteID, AlignerSetID, NoteType, NoteText, CreatedAt, IsEdited, EditedAt, IsRead) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement batches = c.prepareStatement(
                         "INSERT INTO dbo.tblAlignerBatches (AlignerBatchID, AlignerSetID, BatchSequence, Days) VALUES (?, 3187, 1, ?)")) {
                Timestamp now = Timestamp.from(TestEvents.BASE);
                for (int i = 1; i <= count; i++) {
                    if (i % 2 == 0) {
                        notes.setInt(1, i);
                        notes.setInt(2, 3187);
                        notes.setString(3, "Doctor");
                        notes.setString(4, "note " + i + " edit 1");
                        notes.setTimestamp(5, now);
                        notes.setBoolean(6, true);
                        notes.setTimestamp(7, now);
                        notes.setBoolean(8, false);
                        notes.addBatch();
                    } else {
                        batches.setInt(1, i);
                        batches.setInt(2, 10);
                        batches.addBatch();
                    }
                    if (i % BATCH == 0) {
                        notes.executeBatch();
                        batches.executeBatch();
                        c.commit();
                    }
                }
                notes.executeBatch();
                batches.executeBatch();
                c.commit();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (report) {
                System.out.printf("plain insert run: %,d rows in %.2f s%n", count, seconds);
            }
            return count / seconds;
        }
    }
}
