package com.alignersync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every benchmark in one JVM, one after another, and one table of the figures against the
 * issue's goals: each figure beside its baseline measured in the same run (so the shared
 * machine's load cancels in the ratio), the goal and whether this run met it; then the peers'
 * published figures for context, not measured here. The same table goes to
 * {@code target/benchmarks.json}. Run with (see docs/benchmarks.md):
 * <pre>mvn -q -DskipTests package exec:java -Dexec.mainClass=com.alignersync.bench.AllBenchmarks [-Dexec.args=--quick]</pre>
 * {@code --quick} (about a minute) runs smaller workloads and the daemon only the shipped way, with a
 * short idle; the full run (about eight minutes) also starts the daemon with no JVM options as the
 * footprint baseline, and an installation whose jar has no class-data archive beside it. The daemon figures need the jar
 * and its archive, hence {@code package} in the command.
 */
public final class AllBenchmarks {

    /** One line of the table. baseline/ratio null: none in this run; pass null: context, no goal. */
    public record Figure(String figure, String unit, double value, String baselineName, Double baseline, Double ratio,
                         String goal, Boolean pass) {
    }

    /** A peer's figure as published by its vendor, for context. */
    public record Anchor(String system, String throughput, String p99, String hardware, String source) {
    }

    static final List<Anchor> ANCHORS = List.of(
            new Anchor("Sequin", "50,000 ops/s", "253 ms", "16 vCPU", "vendor benchmark, published, not measured here"),
            new Anchor("Debezium Server", "23,000 ops/s", "440 ms", "16 vCPU", "same vendor benchmark, published, not measured here"));

    private record Mode(boolean quick, int sinkEvents, int cdcCommits, int cdcChanges, int pollRows, int webhookSeconds,
                        int webhookWarmUp, int daemonSamples, int daemonIdleSeconds, int daemonRestarts, int rounds) {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Mode mode = quick
                ? new Mode(true, 20_000, 200, 20_000, 20_000, 5, 2, 5, 5, 3, 1)
                : new Mode(false, 100_000, 1_000, 100_000, 100_000, 30, 5, 20, 60, 5, 3);
        long started = System.nanoTime();
        List<Figure> figures = new ArrayList<>();
        List<String> skipped = new ArrayList<>();

        section("sink");
        SinkBenchmark.Result sink = SinkBenchmark.measure(mode.sinkEvents());
        figures.add(new Figure("sink into H2 vs plain batched insert", "events/s", sink.sinkRate(), "plain batched INSERT rows/s",
                sink.insertRate(), sink.ratioToInsert(), "ratio >= 0.25", sink.ratioToInsert() >= 0.25));
        figures.add(new Figure("sink into H2 vs plain batched upsert", "events/s", sink.sinkRate(), "plain batched MERGE events/s",
                sink.upsertRate(), sink.ratioToUpsert(), "(fairer baseline, context)", null));
        figures.add(new Figure("sink with trace's decision journal vs without", "events/s", sink.journaledRate(), "sink events/s",
                sink.sinkRate(), sink.journalRatio(), "ratio >= 0.8 (trace stays on)", sink.journalRatio() >= 0.8));

        section("CDC");
        CdcBenchmark.Result cdc = CdcBenchmark.measure(mode.cdcCommits(), mode.cdcChanges(), 10, mode.rounds());
        figures.add(new Figure("CDC catch-up vs Debezium engine alone", "events/s", cdc.sinkRate(), "engine alone events/s",
                cdc.engineRate(), cdc.ratio(), "ratio >= 0.9", cdc.ratio() >= 0.9));
        figures.add(new Figure("CDC catch-up vs engine alone, offsets flushed every 60 s", "events/s", cdc.sinkRate(),
                "engine, 60 s flushes events/s", cdc.decodeRate(), cdc.ratioToDecode(), "(stricter baseline, context)", null));
        figures.add(new Figure("CDC JVM CPU per event through the sink", "us", cdc.sinkCpuMicrosPerEvent(), "engine alone us/event",
                cdc.engineCpuMicrosPerEvent(), cdc.sinkCpuMicrosPerEvent() / cdc.engineCpuMicrosPerEvent(), "(context)", null));
        figures.add(new Figure("CDC latency p99 (commit -> row in target)", "ms", cdc.p99Ms(), null, null, null, "(context)", null));

        section("poll");
        PollBenchmark.Result poll = PollBenchmark.measure(mode.pollRows(), 1_000, mode.rounds());
        figures.add(new Figure("poll catch-up vs fetching alone", "rows/s", poll.pollRate(), "fetch only rows/s",
                poll.fetchRate(), poll.ratio(), "ratio >= 0.9", poll.ratio() >= 0.9));

        section("webhook");
        WebhookBenchmark.Figures webhook = WebhookBenchmark.measure(mode.webhookSeconds(), 32, mode.webhookWarmUp());
        figures.add(new Figure("webhook p99 at 32 clients", "ms", webhook.p99Ms(), null, null, null, "<= 30 ms", webhook.p99Ms() <= 30));
        figures.add(new Figure("webhook errors at 32 clients", "requests", webhook.errors(), null, null, null, "= 0", webhook.errors() == 0));
        figures.add(new Figure("webhook throughput at 32 clients", "requests/s", webhook.throughput(), null, null, null, "(context)", null));

        section("daemon");
        try {
            daemon(mode, figures, skipped);
        } catch (Exception e) {
            e.printStackTrace();
            skipped.add("daemon: failed, " + e);
        }

        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.println();
        System.out.println(table(figures, mode.quick(), seconds));
        System.out.println("shipped JVM options (" + DaemonBenchmark.LAUNCHER + "): " + String.join(" ", DaemonBenchmark.shippedJvmOptions()));
        skipped.forEach(s -> System.out.println("skipped: " + s));
        write(figures, skipped, mode, seconds);
        System.exit(0); // the engine and the embedded databases leave non-daemon threads behind
    }

    /**
     * The packaged daemon started the shipped way (the launcher), and in the full run also with no JVM
     * options (the footprint baseline). The installation's first start maps the class-data archive
     * {@code package} wrote beside the jar, as every start after it does. The full run then starts an
     * installation whose jar has no archive beside it (a copy, as when {@code archive} was not run after
     * an install or upgrade): its first start has none and the launcher writes one into the data
     * directory when it stops, which its restarts map.
     */
    /** New installations started for the first-start figure of the full run (a single one moved by half a second). */
    private static final int FIRST_STARTS = 3;

    private static void daemon(Mode mode, List<Figure> figures, List<String> skipped) throws Exception {
        Path jar = DaemonBenchmark.Launch.BUILT_JAR;
        if (!Files.exists(jar)) {
            skipped.add("daemon: no target/aligner-sync.jar (run the command with 'package', see docs/benchmarks.md)");
            return;
        }
        Path built = Path.of(jar.toString().replaceFirst("\\.jar$", ".jsa"));
        if (!Files.exists(built)) {
            skipped.add("daemon: no class-data archive at " + built + " ('package' writes it; -Darchive.skip leaves it out):"
                    + " the first start below had none");
        }
        Path archive = Path.of("target/bench-cds/aligner-sync.jsa").toAbsolutePath();
        Files.createDirectories(archive.getParent());
        Files.deleteIfExists(archive);
        DaemonBenchmark.Result baseline = null;
        DaemonBenchmark.Result withoutBuilt = null;
        if (!mode.quick()) {
            baseline = DaemonBenchmark.measure(mode.daemonSamples(), mode.daemonIdleSeconds(), mode.daemonRestarts(), DaemonBenchmark.Launch.java(List.of()));
        }
        DaemonBenchmark.Result first = DaemonBenchmark.measure(mode.daemonSamples(), mode.daemonIdleSeconds(), mode.daemonRestarts(),
                DaemonBenchmark.Launch.shipped(archive));
        double firstStart = mode.quick() ? first.startSeconds() : DaemonBenchmark.firstStarts(FIRST_STARTS, DaemonBenchmark.Launch.shipped(archive));
        if (!mode.quick()) {
            Path copy = Files.createTempDirectory("aligner-sync-copied-jar").resolve("aligner-sync.jar");
            Files.copy(jar, copy);
            Files.deleteIfExists(archive);
            try {
                withoutBuilt = DaemonBenchmark.measure(mode.daemonSamples(), mode.daemonIdleSeconds(), mode.daemonRestarts(),
                        DaemonBenchmark.Launch.shipped(archive, copy));
            } finally {
                Files.deleteIfExists(copy); // 70 MB
                Files.deleteIfExists(copy.getParent());
            }
        }
        String baseName = "java, no JVM options";
        Double baseRss = baseline == null ? null : (double) baseline.idleRssMiB();
        Double baseStart = baseline == null ? null : baseline.startSeconds();
        Double baseRestart = baseline == null ? null : baseline.restartSeconds();
        figures.add(daemonFigure(mode.quick() ? "first start of an installation (initdb), shipped launcher"
                        : "first start of an installation (initdb, median of " + FIRST_STARTS + "), shipped launcher", "s",
                firstStart, baseStart, baseName, "<= 2.5 s", firstStart <= 2.5));
        figures.add(daemonFigure("daemon restart to ready (median of " + mode.daemonRestarts() + "), shipped launcher", "s",
                first.restartSeconds(), baseRestart, baseName, "<= 2.5 s", first.restartSeconds() <= 2.5));
        figures.add(daemonFigure("daemon idle RSS after " + mode.daemonIdleSeconds() + " s, shipped launcher", "MiB",
                first.idleRssMiB(), baseRss, baseName, "<= 150 MiB", first.idleRssMiB() <= 150));
        if (withoutBuilt != null) {
            figures.add(daemonFigure("first start, jar without its archive (copied, 'archive' not run)", "s",
                    withoutBuilt.startSeconds(), baseStart, baseName, "(context)", null));
            figures.add(daemonFigure("idle RSS of that first run", "MiB",
                    withoutBuilt.idleRssMiB(), baseRss, baseName, "(context)", null));
            figures.add(daemonFigure("its restarts (median of " + mode.daemonRestarts() + "), archive written at its stop", "s",
                    withoutBuilt.restartSeconds(), baseRestart, baseName, "(context)", null));
        }
    }

    private static Figure daemonFigure(String name, String unit, double value, Double baseline, String baselineName, String goal,
                                       Boolean pass) {
        return new Figure(name, unit, value, baseline == null ? null : baselineName, baseline, baseline == null ? null : value / baseline,
                goal, pass);
    }

    private static void section(String name) {
        System.out.printf("%n=== %s ===%n", name);
    }

    static String table(List<Figure> figures, boolean quick, double seconds) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "aligner-sync benchmarks (%s run, %.0f s, %d cores; ratios are this run's value over this run's baseline)%n",
                quick ? "--quick" : "full", seconds, Runtime.getRuntime().availableProcessors()));
        String format = "%-72s %14s  %-28s %14s  %6s  %-26s %s%n";
        out.append(String.format(Locale.ROOT, format, "figure", "this run", "baseline (same run)", "baseline", "ratio", "goal", "result"));
        for (Figure f : figures) {
            String value = f.unit().equals("requests") ? String.format(Locale.ROOT, "%,.0f", f.value()) : number(f.value());
            out.append(String.format(Locale.ROOT, format, f.figure(), (value + " " + shortUnit(f.unit())).trim(),
                    f.baselineName() == null ? "-" : f.baselineName(), f.baseline() == null ? "-" : number(f.baseline()),
                    f.ratio() == null ? "-" : String.format(Locale.ROOT, "%.3f", f.ratio()), f.goal(),
                    f.pass() == null ? "-" : f.pass() ? "pass" : "MISS"));
        }
        out.append(String.format(Locale.ROOT, "%nPublished by their vendors, NOT measured here (other hardware, other workload):%n"));
        for (Anchor a : ANCHORS) {
            out.append(String.format(Locale.ROOT, "  %-16s %14s   p99 %7s   on %s (%s)%n", a.system(), a.throughput(), a.p99(), a.hardware(), a.source()));
        }
        return out.toString();
    }

    private static String shortUnit(String unit) {
        return switch (unit) {
            case "events/s", "rows/s", "requests/s" -> "/s";
            case "requests" -> "";
            default -> unit;
        };
    }

    private static String number(double value) {
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static void write(List<Figure> figures, List<String> skipped, Mode mode, double seconds) throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("finishedAt", Instant.now().toString());
        json.put("mode", mode.quick() ? "quick" : "full");
        json.put("seconds", Math.round(seconds));
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("figures", figures);
        json.put("skipped", skipped);
        json.put("publishedNotMeasuredHere", ANCHORS);
        Path file = Path.of("target/benchmarks.json");
        Files.createDirectories(file.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        System.out.println("written: " + file);
    }
}
