package com.alignersync.bench;

import com.alignersync.source.poll.support.FakePostgrest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The packaged daemon as a newcomer runs it ({@code java -jar target/aligner-sync.jar run
 * --embedded}), with a PostgREST stand-in so the poller runs too: start-to-ready time, the
 * end-to-end latency of one edit through each input, and the resident memory after idling.
 * Needs the jar: {@code mvn -q -DskipTests package} first. Run with (see docs/benchmarks.md):
 * <pre>mvn -q test-compile exec:java -Dexec.mainClass=com.alignersync.bench.DaemonBenchmark [-Dexec.args="SAMPLES IDLE_SECONDS"]</pre>
 */
public final class DaemonBenchmark {

    private static final String REST_KEY = "sb_secret_benchmark";

    /** Restarts in the same data directory unless told otherwise; the restart figure is their median. */
    static final int RESTARTS = 5;

    /**
     * One run's figures: seconds from launch to ready, p50 of each input's end-to-end latency in
     * ms, resident memory after idling in MiB, and the exit code of a SIGTERM (-1: none).
     */
    public record Result(Launch launch, double startSeconds, double restartSeconds, double cdcP50Ms, double webhookP50Ms,
                         double pollP50Ms, long idleRssMiB, long postgresRssMiB, int exitCode) {
    }

    /** Arguments: SAMPLES IDLE_SECONDS, then "shipped" (the launcher script) or the JVM options to start java with. */
    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int idleSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        String how = args.length > 2 ? args[2].trim() : "";
        Launch launch = how.equals("shipped")
                ? Launch.shipped(Files.createTempDirectory("aligner-sync-cds").resolve("aligner-sync.jsa"))
                : Launch.java(how.isBlank() ? List.of() : List.of(how.split("\\s+")));
        measure(samples, idleSeconds, RESTARTS, launch);
    }

    /** The launcher every shipped start goes through (the systemd unit, the image, the README). */
    static final Path LAUNCHER = Path.of("connector-config/aligner-sync.sh");

    /** The shipped JVM options: the launcher's {@code JVM_OPTIONS}. */
    public static List<String> shippedJvmOptions() throws IOException {
        for (String line : Files.readAllLines(LAUNCHER)) {
            if (line.startsWith("JVM_OPTIONS=\"")) {
                return List.of(line.substring("JVM_OPTIONS=\"".length(), line.length() - 1).split("\\s+"));
            }
        }
        throw new IllegalStateException("no JVM_OPTIONS in " + LAUNCHER);
    }

    /**
     * How the jar is started: {@code java} with these options, or (the shipped way) through the
     * launcher script, which adds the shipped options and keeps a class-data archive at {@code archive}.
     */
    public record Launch(String description, List<String> jvmOptions, Path archive, Path jar) {

        /** The jar {@code package} builds, with the class-data archive {@code package} writes beside it. */
        static final Path BUILT_JAR = Path.of("target/aligner-sync.jar").toAbsolutePath();

        static Launch java(List<String> jvmOptions) {
            return new Launch(jvmOptions.isEmpty() ? "java, no JVM options" : "java " + String.join(" ", jvmOptions), jvmOptions, null,
                    BUILT_JAR);
        }

        static Launch shipped(Path archive) {
            return shipped(archive, BUILT_JAR);
        }

        /** @param jar a copy of the jar without the archive beside it stands for an installation that never ran {@code archive} */
        static Launch shipped(Path archive, Path jar) {
            return new Launch(LAUNCHER + " (shipped options, class-data archive " + archive + ", jar " + jar + ")", List.of(), archive, jar);
        }

        ProcessBuilder processBuilder(Path jar, Path workingDirectory) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>();
            if (archive == null) {
                command.add(java);
                command.addAll(jvmOptions);
                command.addAll(List.of("-jar", jar.toString()));
            } else {
                command.add(LAUNCHER.toAbsolutePath().toString());
            }
            command.addAll(List.of("run", "--embedded"));
            ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
            if (archive != null) {
                builder.environment().put("JAVA", java);
                builder.environment().put("ALIGNER_SYNC_JAR", jar.toString());
                builder.environment().put("ALIGNER_SYNC_CDS", archive.toString());
            }
            return builder;
        }
    }

    /** Launches the jar; prints as it goes and returns the figures. */
    public static Result measure(int samples, int idleSeconds, int restartCount, Launch launch) throws Exception {
        double startSeconds;
        double cdcP50;
        double webhookP50;
        double pollP50;
        long idleRss;
        long pgRss;
        int exitCode;
        double restartSeconds;
        Path jar = launch.jar();
        if (!Files.exists(jar)) {
            throw new IllegalStateException("build the jar first: mvn -q -DskipTests package");
        }
        Path dir = Files.createTempDirectory("aligner-sync-daemon-bench");
        int httpPort = freePort();
        int opsPort = freePort();
        int pgPort = freePort();
        PGSimpleDataSource portal = portal(pgPort);
        HttpClient http = HttpClient.newHttpClient();

        try (FakePostgrest rest = FakePostgrest.start(portal, REST_KEY)) {
            ProcessBuilder builder = builder(launch, dir, httpPort, opsPort, pgPort, rest);
            long launched = System.nanoTime();
            Process daemon = builder.start();
            try {
                // The webhook on the public listener; readiness, status and the poll trigger on the ops one.
                String base = "http://127.0.0.1:" + httpPort;
                String ops = "http://127.0.0.1:" + opsPort;
                awaitReady(http, ops);
                startSeconds = (System.nanoTime() - launched) / 1e9;
                System.out.printf("aligner-sync daemon benchmark (%d samples per input, %d cores), started as %s, working directory %s%n",
                        samples, Runtime.getRuntime().availableProcessors(), launch.description(), dir);
                System.out.printf("start to ready (jar launch -> /ready 200 and CDC streaming, first run: initdb included): %.2f s%n", startSeconds);

                String clinicUrl = "jdbc:h2:file:" + dir.resolve("data/embedded/clinic").toAbsolutePath() + ";MODE=MSSQLServer;AUTO_SERVER=TRUE";
                String secret = Files.readString(dir.resolve("data/embedded/webhook-secret")).trim();
                try (Connection pg = portal.getConnection(); Statement edit = pg.createStatement();
                     Connection clinic = DriverManager.getConnection(clinicUrl); Statement read = clinic.createStatement()) {
                    List<Double> cdc = new ArrayList<>();
                    for (int i = 0; i < samples; i++) {
                        int days = 20 + i;
                        long started = System.nanoTime();
                        edit.execute("UPDATE aligner_batches SET days = " + days + " WHERE aligner_batch_id = 12044");
                        awaitTrue(Duration.ofSeconds(30), () -> days(read, 12044) == days);
                        cdc.add((System.nanoTime() - started) / 1e6);
                    }
                    cdcP50 = report("CDC      (portal commit -> row in the clinic DB)", cdc);

                    List<Double> webhook = new ArrayList<>();
                    for (int i = 0; i < samples; i++) {
                        String now = Instant.now().toString();
                        String body = "{\"type\":\"INSERT\",\"table\":\"aligner_notes\",\"schema\":\"public\",\"old_record\":null,\"record\":"
                                + "{\"note_id\":" + (700_000 + i) + ",\"aligner_set_id\":3187,\"note_type\":\"Doctor\",\"note_text\":\"bench\","
                                + "\"is_edited\":false,\"edited_at\":null,\"is_read\":false,\"created_at\":\"" + now + "\",\"updated_at\":\"" + now + "\"}}";
                        long started = System.nanoTime();
                        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/api/sync/webhook"))
                                .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() != 200 || !answer.body().contains("\"applied\"")) {
                            throw new IllegalStateException("webhook answered " + answer.statusCode() + ": " + answer.body());
                        }
                        webhook.add((System.nanoTime() - started) / 1e6);
                    }
                    webhookP50 = report("webhook  (POST -> 200 after the commit)", webhook);

                    List<Double> poll = new ArrayList<>();
                    for (int i = 0; i < samples; i++) {
                        long started = System.nanoTime();
                        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(ops + "/api/sync/poll"))
                                .header("Authorization", "Bearer " + secret).POST(HttpRequest.BodyPublishers.noBody()).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() != 200) {
                            throw new IllegalStateException("poll answered " + answer.statusCode() + ": " + answer.body());
                        }
                        poll.add((System.nanoTime() - started) / 1e6);
                    }
                    pollP50 = report("poll     (POST /api/sync/poll -> all pages fetched and committed; the schedule adds up to poll.interval)", poll);
                }

                System.out.printf("idling %d s ...%n", idleSeconds);
                Thread.sleep(idleSeconds * 1000L);
                idleRss = rssKib(daemon.pid()) >> 10;
                pgRss = postgresRssKib(pgPort) >> 10;
                System.out.printf("idle RSS after %d s: daemon JVM %,d MiB; embedded PostgreSQL (all its processes, shared memory counted in each) %,d MiB%n",
                        idleSeconds, idleRss, pgRss);
            } finally {
                daemon.destroy();
                boolean exited = daemon.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
                System.out.println("SIGTERM -> exit code " + (exited ? daemon.exitValue() : "none (still running after 60 s)"));
                exitCode = exited ? daemon.exitValue() : -1;
            }
            // The usual start of a service: the same data directory again (no initdb, no new slot). A single start
            // moved by a second or more between runs on the shared machine: the median of RESTARTS.
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("daemon.out").toFile()));
            double[] restarts = new double[restartCount];
            for (int i = 0; i < restartCount; i++) {
                restarts[i] = secondsToReady(builder, http, opsPort);
            }
            restartSeconds = restartCount == 0 ? Double.NaN : SinkBenchmark.median(restarts);
            if (restartCount > 0) {
                System.out.printf("restart to ready (same data directory: no initdb, slot and offsets exist): %.2f s, the median of %s s%n",
                        restartSeconds, java.util.Arrays.toString(restarts).replaceAll("(\\.\\d\\d)\\d+", "$1"));
            }
        }
        return new Result(launch, startSeconds, restartSeconds, cdcP50, webhookP50, pollP50, idleRss, pgRss, exitCode);
    }

    /**
     * A new installation's first start, {@code count} times, each in a fresh working directory (initdb on the
     * embedded default) with the poller and reconcile on, as in {@link #measure}; the median seconds to ready.
     * One first start moved by half a second between runs on the shared machine.
     */
    public static double firstStarts(int count, Launch launch) throws Exception {
        double[] starts = new double[count];
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < count; i++) {
            Path dir = Files.createTempDirectory("aligner-sync-first-start");
            int httpPort = freePort();
            int opsPort = freePort();
            int pgPort = freePort();
            try (FakePostgrest rest = FakePostgrest.start(portal(pgPort), REST_KEY)) {
                starts[i] = secondsToReady(builder(launch, dir, httpPort, opsPort, pgPort, rest), http, opsPort);
            } finally {
                deleteRecursively(dir); // an initdb'd PostgreSQL each
            }
        }
        double median = SinkBenchmark.median(starts);
        System.out.printf("first start of %d new installations (initdb each), %s: %.2f s, the median of %s s%n", count, launch.description(),
                median, java.util.Arrays.toString(starts).replaceAll("(\\.\\d\\d)\\d+", "$1"));
        return median;
    }

    /** Starts the daemon, waits until it is ready and stops it (SIGTERM, as a service is stopped); the seconds to ready. */
    private static double secondsToReady(ProcessBuilder builder, HttpClient http, int opsPort) throws Exception {
        long launched = System.nanoTime();
        Process daemon = builder.start();
        try {
            awaitReady(http, "http://127.0.0.1:" + opsPort);
            return (System.nanoTime() - launched) / 1e9;
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                // Never leave it holding the port and the data directory for the next start.
                daemon.destroyForcibly().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
                throw new IllegalStateException("the daemon did not stop within 60 s of SIGTERM; killed");
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static PGSimpleDataSource portal(int pgPort) {
        PGSimpleDataSource portal = new PGSimpleDataSource();
        portal.setUrl("jdbc:postgresql://localhost:" + pgPort + "/postgres");
        portal.setUser("postgres");
        portal.setPassword("postgres");
        return portal;
    }

    /** The daemon on the embedded default, in {@code dir}, with the poller and reconcile reading the PostgREST stand-in. */
    private static ProcessBuilder builder(Launch launch, Path dir, int httpPort, int opsPort, int pgPort, FakePostgrest rest) {
        ProcessBuilder builder = launch.processBuilder(launch.jar(), dir)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.out").toFile());
        builder.environment().put("PORT", String.valueOf(httpPort));
        builder.environment().put("OPS_PORT", String.valueOf(opsPort));
        builder.environment().put("EMBEDDED_POSTGRES_PORT", String.valueOf(pgPort));
        builder.environment().put("SUPABASE_URL", rest.supabaseUrl());
        builder.environment().put("SUPABASE_SERVICE_ROLE_KEY", REST_KEY);
        builder.environment().put("LOG_DIR", dir.resolve("logs").toString());
        return builder;
    }

    private static int days(Statement read, long batchId) {
        try (ResultSet rs = read.executeQuery("SELECT Days FROM dbo.tblAlignerBatches WHERE AlignerBatchID = " + batchId)) {
            return rs.next() ? rs.getInt(1) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** @return the p50 in ms */
    private static double report(String what, List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        System.out.printf("%s:%n    p50 %6.1f ms   p90 %6.1f ms   max %6.1f ms%n", what,
                sorted.get((int) (0.5 * (sorted.size() - 1))), sorted.get((int) Math.round(0.9 * (sorted.size() - 1))), sorted.get(sorted.size() - 1));
        return sorted.get((int) (0.5 * (sorted.size() - 1)));
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    /**
     * The postmaster runs detached; find it by its port and add its backends. A sum of RSS
     * counts shared buffers once per process, so this is an upper bound.
     */
    private static long postgresRssKib(int port) throws IOException {
        long total = 0;
        for (ProcessHandle process : ProcessHandle.allProcesses().toList()) {
            if (process.info().commandLine().map(c -> c.contains("bin/postgres") && c.contains(" -p " + port + " ")).orElse(false)) {
                total += rssKib(process.pid());
                for (ProcessHandle child : process.children().toList()) {
                    total += rssKib(child.pid());
                }
            }
        }
        return total;
    }

    /** Ready as an operator sees it: /ready answers 200 and CDC streams. */
    private static void awaitReady(HttpClient http, String base) throws InterruptedException {
        awaitTrue(Duration.ofSeconds(120), () -> get(http, base + "/ready").statusCode() == 200
                && get(http, base + "/api/sync/status").body().contains("\"state\":\"streaming\""));
    }

    private static HttpResponse<String> get(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return null;
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Duration timeout, Check check) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (Exception | Error e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout);
            }
            Thread.sleep(2);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
