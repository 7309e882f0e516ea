package com.alignersync.bench;

import ch.qos.logback.classic.Level;
import com.alignersync.source.webhook.WebhookInput;
import com.alignersync.source.webhook.WebhookTestServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Sustained webhook load: N concurrent clients (default 32) post distinct Doctor-note INSERTs
 * (each one a committed write into in-memory H2 through the real sink) for a fixed time, over
 * real HTTP to the real server. Prints requests/s, latency percentiles and errors. pg_net gives
 * up after 1 s by default, so p99 must stay well under that. Run with (see docs/benchmarks.md):
 * <pre>mvn -q test-compile exec:java -Dexec.mainClass=com.alignersync.bench.WebhookBenchmark [-Dexec.args="30 32"]</pre>
 * Arguments: measured seconds (default 30), clients (default 32).
 */
public final class WebhookBenchmark {

    private static final int WARM_UP_SECONDS = 5;

    /** One run's figures: requests answered in the measured window, latency percentiles in ms, errors. */
    public record Figures(int clients, double seconds, long requests, double throughput, double p50Ms, double p90Ms, double p99Ms,
                          double maxMs, long errors, long rowsWritten) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        measure(seconds, clients, WARM_UP_SECONDS);
    }

    /** Warm-up, then the measured window; prints as it goes and returns the figures. */
    public static Figures measure(int seconds, int clients, int warmUpSeconds) throws Exception {
        // One INFO line per request would measure the console, not the webhook.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(WebhookInput.class)).setLevel(Level.WARN);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.eclipse.jetty")).setLevel(Level.WARN);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.javalin")).setLevel(Level.WARN);

        System.out.printf("aligner-sync webhook benchmark: %d clients, %d s measured after %d s warm-up, distinct Doctor-note INSERTs,"
                + " each committed into H2 MODE=MSSQLServer in memory through the sink; %d cores%n",
                clients, seconds, warmUpSeconds, Runtime.getRuntime().availableProcessors());

        Path dataDir = Files.createTempDirectory("webhook-bench");
        try (WebhookTestServer http = new WebhookTestServer(dataDir)) {
            String template = WebhookTestServer.fixture("webhook-notes-insert.json");
            run(http, template, clients, warmUpSeconds, 1, false);
            int writesBefore = http.target.writes();
            Result result = run(http, template, clients, seconds, 2, true);
            int writes = http.target.writes() - writesBefore;

            long[] latencies = result.latenciesNanos();
            Arrays.sort(latencies);
            System.out.printf("%nrequests:    %,d in %.1f s (%,d answered 200 applied, %,d rows written)%n",
                    latencies.length, result.elapsedSeconds(), result.results().getOrDefault("200 applied", 0L), writes);
            System.out.printf("throughput:  %,.0f requests/s%n", latencies.length / result.elapsedSeconds());
            System.out.printf("latency:     p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    millis(latencies, 0.50), millis(latencies, 0.90), millis(latencies, 0.99), latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6);
            System.out.printf("errors:      %,d (anything but 200 applied, or an I/O error)%n", result.errors());
            System.out.printf("answers:     %s%n", result.results());
            return new Figures(clients, result.elapsedSeconds(), latencies.length, latencies.length / result.elapsedSeconds(),
                    millis(latencies, 0.50), millis(latencies, 0.90), millis(latencies, 0.99),
                    latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6, result.errors(), writes);
        }
    }

    private record Result(long[] latenciesNanos, double elapsedSeconds, long errors, Map<String, Long> results) {
    }

    private static Result run(WebhookTestServer http, String template, int clients, int seconds, int round, boolean measured) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong errors = new AtomicLong();
        Map<String, Long> results = new TreeMap<>();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long started = System.nanoTime();
        List<Future<long[]>> perClient = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            perClient.add(pool.submit(() -> {
                long[] latencies = new long[1 << 16];
                int n = 0;
                ObjectNode body = (ObjectNode) mapper.readTree(template);
                ObjectNode record = (ObjectNode) body.get("record");
                Instant base = Instant.parse("2026-11-20T09:14:03.512844Z");
                while (System.nanoTime() < deadline) {
                    // Distinct keys per round, client and request: every request is a new row.
                    long id = round * 100_000_000L + client * 1_000_000L + n + 1;
                    record.put("note_id", id);
                    record.put("updated_at", base.plus(n, ChronoUnit.MICROS).toString());
                    String payload = body.toString();
                    long t0 = System.nanoTime();
                    String outcome;
                    try {
                        HttpResponse<String> response = http.client.send(http.webhookRequest(payload).build(), HttpResponse.BodyHandlers.ofString());
                        String result = response.statusCode() == 200 ? mapper.readTree(response.body()).path("result").asText() : "";
                        outcome = response.statusCode() + " " + result;
                    } catch (Exception e) {
                        outcome = "io error " + e.getClass().getSimpleName();
                    }
                    long took = System.nanoTime() - t0;
                    if (!outcome.equals("200 applied")) {
                        errors.incrementAndGet();
                    }
                    synchronized (results) {
                        results.merge(outcome, 1L, Long::sum);
                    }
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = took;
                }
                return Arrays.copyOf(latencies, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> f : perClient) {
            all.add(f.get());
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        long[] merged = all.stream().flatMapToLong(Arrays::stream).toArray();
        if (!measured) {
            System.out.printf("warm-up:     %,d requests in %.1f s%n", merged.length, elapsed);
        }
        return new Result(merged, elapsed, errors.get(), results);
    }

    private static double millis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
