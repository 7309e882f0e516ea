package com.alignersync.source.webhook;

import static com.alignersync.source.webhook.WebhookTestServer.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alignersync.source.webhook.WebhookTestServer.Answer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
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

/** The same change delivered many times at once (pg_net, retries by hand, a second webhook) lands once. */
class WebhookConcurrencyTest {

    private static final int DELIVERIES = 200;

    @TempDir
    Path dataDir;

    @Test
    void twoHundredConcurrentDeliveriesOfTheSameChangeWriteOnce() throws Exception {
        try (WebhookTestServer http = new WebhookTestServer(dataDir)) {
            String body = fixture("webhook-notes-insert.json");
            ExecutorService pool = Executors.newFixedThreadPool(DELIVERIES);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Answer>> answers = new ArrayList<>();
            try {
                for (int i = 0; i < DELIVERIES; i++) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return http.post(body);
                    }));
                }
                go.countDown();
                Map<String, Integer> results = new TreeMap<>();
                for (Future<Answer> answer : answers) {
                    Answer a = answer.get(60, TimeUnit.SECONDS);
                    assertEquals(200, a.status(), a.toString());
                    results.merge(a.text("result"), 1, Integer::sum);
                }

                assertEquals(Map.of("applied", 1, "duplicate", DELIVERIES - 1), results);
                assertEquals(1, http.target.writes());
                assertEquals(1, http.target.query("SELECT * FROM dbo.AlignerSyncLedger").size());
                assertEquals("Patient reports tightness on UL3; please check attachment before batch 4.", http.note(90412).get("NOTETEXT"));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void concurrentDistinctChangesCommittedTogetherEachGetTheirOwnAnswer() throws Exception {
        try (WebhookTestServer http = new WebhookTestServer(dataDir)) {
            ObjectMapper mapper = new ObjectMapper();
            ExecutorService pool = Executors.newFixedThreadPool(50);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Answer>> answers = new ArrayList<>();
            try {
                for (int i = 1; i <= 100; i++) {
                    ObjectNode body = (ObjectNode) mapper.readTree(fixture("webhook-notes-insert.json"));
                    ((ObjectNode) body.get("record")).put("note_id", i);
                    // Every third one is a Lab note: ignored, and must say so to its own sender.
                    ((ObjectNode) body.get("record")).put("note_type", i % 3 == 0 ? "Lab" : "Doctor");
                    String payload = body.toString();
                    answers.add(pool.submit(() -> {
                        go.await();
                        return http.post(payload);
                    }));
                }
                go.countDown();
                for (int i = 1; i <= 100; i++) {
                    Answer a = answers.get(i - 1).get(60, TimeUnit.SECONDS);
                    assertEquals(i, a.json().path("key").asLong(), a.toString());
                    assertEquals(i % 3 == 0 ? "ignored" : "applied", a.text("result"), a.toString());
                }
                assertEquals(67, http.target.writes());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
