package com.alignersync.app;

import com.alignersync.config.DaemonConfig;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.source.poll.support.FakePostgrest;
import com.alignersync.support.PortalPostgres;
import com.alignersync.support.TestDaemonConfig;
import com.alignersync.support.DaemonUrls;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The world of the whole-daemon tests: a real Postgres portal (CDC) behind the PostgREST stand-in
 * (poll, reconcile), an H2 clinic database, and the configuration that points a daemon started
 * in this JVM at them. Batch 12044 (14 days) is in both at the start of each test.
 */
abstract class InProcessDaemon {

    static final String SECRET = "daemon-test-secret-0123456789";
    static final String REST_KEY = "sb_secret_daemon_test";
    static final String SLOT = "daemon_test";

    static PortalPostgres portal;
    static FakePostgrest rest;

    @TempDir
    Path dataDir;

    H2ClinicTarget target;
    Daemon daemon;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startPortal() throws Exception {
        portal = PortalPostgres.startSetUp();
        rest = FakePostgrest.start(portal.dataSource(), REST_KEY);
    }

    @AfterAll
    static void stopPortal() throws Exception {
        rest.close();
        portal.close();
    }

    @BeforeEach
    void seedBothSides() throws Exception {
        target = new H2ClinicTarget();
        portal.execute("TRUNCATE aligner_notes, aligner_batches");
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) VALUES (12044, 3187, 14)");
        target.insertBatch(12044, 3187, 14);
    }

    @AfterEach
    void stopDaemonAndDropSlot() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        target.close();
        dropSlot();
    }

    /** Drops the daemon's replication slot (gone, as after max_slot_wal_keep_size or a DBA's DROP). */
    static void dropSlot() throws InterruptedException {
        await("the slot is released and dropped", () -> {
            try {
                portal.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'");
                return true;
            } catch (Exception e) {
                return false; // still active for a moment after the engine stops
            }
        });
    }

    /** The test configuration with {@code changes} applied; a null value unsets the key. */
    DaemonConfig config(Map<String, String> changes) {
        return TestDaemonConfig.of(target.jdbcUrl(), dataDir, portal, rest, REST_KEY, SECRET, SLOT, changes);
    }

    /** {@code GET /api/sync/status} of the running daemon. */
    JsonNode status() {
        try {
            return json.readTree(http.send(HttpRequest.newBuilder(DaemonUrls.of(daemon, "/api/sync/status"))
                            .header("Authorization", "Bearer " + SECRET).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
