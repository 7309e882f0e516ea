package com.alignersync.source.webhook;

import static com.alignersync.source.webhook.WebhookTestServer.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alignersync.source.webhook.WebhookTestServer.Answer;
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
}
