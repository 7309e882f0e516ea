package com.alignersync.source.webhook;

import static com.alignersync.source.webhook.WebhookTestServer.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.WebhookConfig;
import com.alignersync.sink.support.HostileSqlServer;
import com.alignersync.sink.support.HostileSqlServer.Effect;
import com.alignersync.sink.support.SqlServerError;
import com.alignersync.source.webhook.WebhookTestServer.Answer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook group commit when SQL Server refuses one row or a clinic session holds a lock. */
class WebhookUnderSqlServerFailuresTest {

    @TempDir
    Path dataDir;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String note(long id) throws Exception {
        ObjectNode body = (ObjectNode) MAPPER.readTree(fixture("webhook-notes-insert.json"));
        ((ObjectNode) body.get("record")).put("note_id", id);
        return body.toString();
    }

    private static WebhookTestServer server(Path dataDir, Duration sinkTimeout) throws Exception {
        WebhookConfig config = new WebhookConfig(true, WebhookConfig.Auth.BEARER, WebhookTestServer.SECRET, null, Duration.ofMinutes(5),
                1_048_576, sinkTimeout);
        return new WebhookTestServer(dataDir, config, Clock.systemUTC(), (s, w) -> { }, Duration.ZERO, true);
    }

    private static List<Answer> postConcurrently(WebhookTestServer http, List<String> bodies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(bodies.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Answer>> futures = new ArrayList<>();
        try {
            for (String body : bodies) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return http.post(body);
                }));
            }
            go.countDown();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> future : futures) {
                answers.add(future.get(60, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPoisonedRowInAWebhookGroupIsParkedAndTheOthersApply() throws Exception {
        try (WebhookTestServer http = server(dataDir, Duration.ofSeconds(30))) {
            http.sqlServer.triggerFails("dbo.tblAlignerNotes", 7, SqlServerError.TRIGGER_THROW, Effect.DOOM, -1);
            List<String> bodies = new ArrayList<>();
            for (int id = 1; id <= 40; id++) {
                bodies.add(note(id));
            }

            List<Answer> answers = postConcurrently(http, bodies);

            // Note 7 is parked once other keys have committed since it was first refused (the evidence that
            // it is the row, not SQL Server); refused before any had, it is held and answered 503, and its
            // next delivery (CDC, the poller, or here the same webhook again) is parked.
            Map<String, Integer> results = new TreeMap<>();
            for (int i = 0; i < answers.size(); i++) {
                Answer answer = answers.get(i);
                if (i == 6 && answer.status() == 503) {
                    answer = http.post(bodies.get(6));
                }
                assertEquals(200, answer.status(), answer.toString());
                results.merge(answer.text("result"), 1, Integer::sum);
                if (i == 6) {
                    assertTrue(answer.text("detail").contains("error 50000"), answer.toString());
                }
            }
            assertEquals(Map.of("applied", 39, "dead_letter", 1), results);
            assertNull(http.note(7));
            assertNotNull(http.note(8));
            assertEquals(1, http.deadLetters.count());
        }
    }

    @Test
    void aLockedRowAnswers503WithinTheTimeoutWithoutTyingUpThreadsAndLandsOnceTheLockGoes() throws Exception {
        try (WebhookTestServer http = server(dataDir, Duration.ofMillis(300))) {
            // No LOCK_TIMEOUT: only the webhook's own bound answers before the lock goes.
            HostileSqlServer.Fault lock = http.sqlServer.holdLock("dbo.tblAlignerNotes", 5, Duration.ofSeconds(60));
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                bodies.add(note(5));
            }

            long started = System.nanoTime();
            List<Answer> answers = postConcurrently(http, bodies);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            for (Answer answer : answers) {
                assertEquals(503, answer.status(), answer.toString());
                assertEquals("sink_unavailable", answer.text("error"));
            }
            assertTrue(took.toSeconds() < 20, "every request answered within its timeout, not after the lock: " + took);
            assertEquals(200, http.get("/health").status(), "the server still has threads to answer");

            lock.release(); // the clinic session commits and lets go
            Answer after = http.post(note(5));
            for (int retry = 0; retry < 20 && after.status() == 503; retry++) {
                Thread.sleep(100); // the sink is still finishing the held statement: redeliver, as an operator would
                after = http.post(note(5));
            }
            assertEquals(200, after.status(), after.toString());
            assertNotNull(http.note(5));
            assertEquals(1, http.target.writes(), "landed once, whatever the earlier attempts did");
        }
    }
}
