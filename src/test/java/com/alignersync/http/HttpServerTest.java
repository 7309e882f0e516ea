package com.alignersync.http;

import static com.alignersync.source.webhook.WebhookTestServer.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.support.OpsServers;
import com.alignersync.config.WebhookConfig;
import com.alignersync.status.StatusSource;
import com.alignersync.source.webhook.WebhookInput;
import com.alignersync.source.webhook.WebhookTestServer;
import com.alignersync.source.webhook.WebhookTestServer.Answer;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP surface itself: routes other parts add, status aggregation, draining on stop. */
class HttpServerTest {

    @TempDir
    Path dataDir;

    @Test
    void anotherPartCanAddAnOperatorRouteProtectedByTheBearerSecretBeforeStartButNotAfter() throws Exception {
        try (WebhookTestServer http = new WebhookTestServer(dataDir,
                WebhookTestServer.config(WebhookConfig.Auth.BEARER, WebhookTestServer.SECRET, null, 1_048_576), Clock.systemUTC(),
                // As the manual poll trigger does it.
                (server, webhook) -> server.postProtected("/api/sync/poll", webhook.authenticator().operator(),
                        ctx -> JsonResponses.send(ctx, 202, Map.of("poll", "started"))))) {
            HttpRequest.Builder poll = HttpRequest.newBuilder(http.uri("/api/sync/poll")).POST(HttpRequest.BodyPublishers.noBody());
            assertEquals(401, http.send(poll.build()).status());
            Answer answer = http.send(poll.header("Authorization", "Bearer " + WebhookTestServer.SECRET).build());
            assertEquals(202, answer.status(), answer.toString());
            assertEquals("started", answer.text("poll"));
            assertThrows(IllegalStateException.class, () -> http.server.post("/late", ctx -> { }));
        }
    }

    @Test
    void statusAggregatesEverySourceAndSurfacesTheirWarnings() throws Exception {
        StatusSource poll = new StatusSource() {
            @Override
            public String statusName() {
                return "poll";
            }

            @Override
            public Map<String, Object> statusSnapshot() {
                return Map.of("state", "idle", "warnings", List.of("last poll failed"));
            }
        };
        StatusSource broken = new StatusSource() {
            @Override
            public String statusName() {
                return "cdc";
            }

            @Override
            public Map<String, Object> statusSnapshot() {
                throw new IllegalStateException("engine gone");
            }
        };
        HttpServer server = OpsServers.ops(List.of(poll, broken), Optional::empty, "operator-secret-0123456789");
        server.start();
        try {
            var client = java.net.http.HttpClient.newHttpClient();
            var response = client.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + "/api/sync/status"))
                            .header("Authorization", "Bearer operator-secret-0123456789").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
            assertEquals("degraded", json.path("summary").path("state").asText(), response.body());
            assertTrue(json.path("summary").path("ready").asBoolean());
            assertEquals("poll: last poll failed", json.path("summary").path("warnings").get(0).asText());
            assertEquals("idle", json.path("poll").path("state").asText());
            assertEquals("unknown", json.path("cdc").path("state").asText());
        } finally {
            server.stop();
        }
    }

    @Test
    void theConsoleIsServedFromTheJarWithAPolicyThatAllowsOnlyItsOwnFiles() throws Exception {
        HttpServer server = OpsServers.ops(List.of(), Optional::empty, "operator-secret-0123456789");
        server.start();
        try {
            var client = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            var page = client.send(HttpRequest.newBuilder(java.net.URI.create(base + "/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.body().contains("/console/console.js"), page.body());
            assertFalse(page.body().contains("https://"), "no CDN: everything comes from the jar");
            String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"), policy);
            for (String asset : List.of("/console/console.js", "/console/console.css")) {
                var answer = client.send(HttpRequest.newBuilder(java.net.URI.create(base + asset)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), asset);
            }
            var missing = client.send(HttpRequest.newBuilder(java.net.URI.create(base + "/console/other.js")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertTrue(missing.body().contains("not_found"), missing.body());
        } finally {
            server.stop();
        }
    }

    @Test
    void everyJsonAnswerTellsCachesNotToStoreIt() throws Exception {
        // Answers carry note ids, hosts and paths: a proxy or browser cache must not keep them.
        try (WebhookTestServer http = new WebhookTestServer(dataDir)) {
            List<HttpRequest> requests = List.of(
                    http.webhookRequest(fixture("webhook-notes-insert.json")).build(),
                    http.webhookRequest("not json").build(),
                    HttpRequest.newBuilder(http.uri(WebhookInput.PATH)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpRequest.newBuilder(http.uri("/api/sync/status")).build(),
                    HttpRequest.newBuilder(http.uri("/health")).build(),
                    HttpRequest.newBuilder(http.uri("/ready")).build(),
                    HttpRequest.newBuilder(http.uri("/no/such/route")).build());
            for (HttpRequest request : requests) {
                var answer = http.client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
                assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith(JsonResponses.JSON), request.uri().toString());
                assertEquals(Optional.of("no-store"), answer.headers().firstValue("Cache-Control"),
                        request.method() + " " + request.uri() + " answered " + answer.statusCode());
            }
        }
    }

    @Test
    void authNoneAcceptsUnauthenticatedWebhooksAndSaysSoInStatus() throws Exception {
        try (WebhookTestServer http = new WebhookTestServer(dataDir, WebhookTestServer.config(WebhookConfig.Auth.NONE, null, null, 1_048_576),
                Clock.systemUTC(), (server, webhook) -> { })) {
            Answer answer = http.send(HttpRequest.newBuilder(http.uri(WebhookInput.PATH)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(fixture("webhook-notes-insert.json"))).build());
            assertEquals("applied", answer.text("result"), answer.toString());

            JsonNode status = http.get("/api/sync/status").json();
            assertEquals("degraded", status.path("summary").path("state").asText());
            assertTrue(status.path("summary").path("warnings").toString().contains("webhook.auth=none"), status.toString());
            assertTrue(status.path("summary").path("warnings").toString().contains("the operator routes"),
                    "an open webhook no longer opens the operator routes, and with no secret they refuse everything: " + status);
            assertEquals("none", status.path("webhook").path("authentication").asText());
        }
    }

    @Test
    void aDisabledWebhookAnswers404SayingWhy() throws Exception {
        WebhookConfig disabled = new WebhookConfig(false, WebhookConfig.Auth.BEARER, null, null, Duration.ofMinutes(5), 1024);
        try (WebhookTestServer http = new WebhookTestServer(dataDir, disabled, Clock.systemUTC(), (server, webhook) -> { })) {
            Answer answer = http.post(fixture("webhook-notes-insert.json"));
            assertEquals(404, answer.status());
            assertEquals("webhook_disabled", answer.text("error"));
            assertEquals("disabled", http.get("/api/sync/status").json().path("webhook").path("state").asText());
            assertEquals(0, http.target.writes());
        }
    }

    @Test
    void stopLetsARequestInProgressFinishAndThenRefusesConnections() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (WebhookTestServer http = new WebhookTestServer(dataDir,
                WebhookTestServer.config(WebhookConfig.Auth.BEARER, WebhookTestServer.SECRET, null, 1_048_576), Clock.systemUTC(),
                (server, webhook) -> server.get("/slow", ctx -> {
                    entered.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    JsonResponses.send(ctx, 200, Map.of("finished", true));
                }), Duration.ofSeconds(20))) {
            var inFlight = http.client.sendAsync(HttpRequest.newBuilder(http.uri("/slow")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            int port = http.server.port();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(http.server::stop);
            // The stop must wait for the request: give it a moment to (wrongly) finish first.
            assertFalse(awaitQuietly(stopping, 300), "stop returned while a request was still in progress");
            release.countDown();

            var response = inFlight.get(20, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("finished"));
            stopping.get(20, TimeUnit.SECONDS);
            assertThrows(IOException.class, () -> http.client.send(
                    HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
    }

    private static boolean awaitQuietly(CompletableFuture<Void> future, long millis) {
        try {
            future.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void statusWithoutTheOperatorSecretShowsStatesOnlyAndAWrongSecretIsRefused() throws Exception {
        StatusSource sink = new StatusSource() {
            @Override
            public String statusName() {
                return "sink";
            }

            @Override
            public Map<String, Object> statusSnapshot() {
                return Map.of("state", "unavailable", "url", "jdbc:sqlserver://clinic-db.example:1433",
                        "lastParked", "aligner_notes #90210", "warnings", List.of("SQL Server clinic-db.example:1433 refused note 90210"));
            }
        };
        HttpServer server = OpsServers.ops(List.of(sink), () -> Optional.of("SQL Server clinic-db.example:1433 is unreachable"),
                "operator-secret-0123456789");
        server.start();
        try {
            var client = java.net.http.HttpClient.newHttpClient();
            java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + server.port() + "/api/sync/status");
            var summary = client.send(HttpRequest.newBuilder(uri).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, summary.statusCode());
            for (String secret : List.of("clinic-db.example", "90210", "jdbc:")) {
                assertFalse(summary.body().contains(secret), "the summary names no host, key or URL: " + summary.body());
            }
            JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(summary.body());
            assertEquals("unavailable", json.path("sink").path("state").asText());
            assertEquals("not_ready", json.path("summary").path("state").asText());
            assertEquals(1, json.path("summary").path("warnings").asInt(), "warnings are counted, not quoted");
            assertFalse(json.path("detail").asBoolean());

            var wrong = client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer not-the-secret").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode(), wrong.body());
            assertFalse(wrong.body().contains("clinic-db.example"), wrong.body());

            var detail = client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer operator-secret-0123456789").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, detail.statusCode());
            assertTrue(detail.body().contains("aligner_notes #90210"), "the operator gets the detail: " + detail.body());
        } finally {
            server.stop();
        }
    }
}
