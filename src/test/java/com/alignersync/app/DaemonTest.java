package com.alignersync.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.DaemonConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.alignersync.source.webhook.WebhookTestServer;
import com.alignersync.support.DaemonUrls;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The whole daemon in-process: real Postgres (CDC), the webhook over HTTP, the poller through the PostgREST stand-in, one H2 sink. */
class DaemonTest extends InProcessDaemon {

    private DaemonConfig config() {
        return config(Map.of());
    }

    private Daemon start() throws Exception {
        return start(config());
    }

    private Daemon start(DaemonConfig config) throws Exception {
        daemon = Daemon.start(config, Daemon.lock(dataDir), Clock.systemUTC());
        await("the CDC input streams", () -> "streaming".equalsIgnoreCase(status().path("cdc").path("state").asText()));
        await("the start-up poll is done", () -> !status().path("poll").path("lastResult").isNull());
        return daemon;
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(DaemonUrls.of(daemon, path))
                .header("Authorization", "Bearer " + SECRET)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(DaemonUrls.of(daemon, path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The Standard Webhooks headers a signed delivery of {@code body} carries, signed now. */
    private static Map<String, String> signedDelivery(String id, String body) throws Exception {
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(WebhookTestServer.SIGNING_KEY, "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        return Map.of("webhook-id", id, "webhook-timestamp", timestamp, "webhook-signature", "v1," + signature);
    }

    /** The body Supabase's webhook trigger sends for this row: to_jsonb of the new and the old row. */
    private String webhookBodyForBatch(long id, int oldDays) throws Exception {
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT jsonb_build_object('type', 'UPDATE', 'table', 'aligner_batches', 'schema', 'public',"
                     + " 'record', to_jsonb(b), 'old_record', to_jsonb(b) || jsonb_build_object('days', " + oldDays + "))::text"
                     + " FROM aligner_batches b WHERE aligner_batch_id = " + id)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aTakenPortStopsTheStartWithTheHttpExitCodeAndLeavesNothingRunning() throws Exception {
        DaemonConfig config;
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            config = config(Map.of("http.port", String.valueOf(taken.getLocalPort())));
            StartupException refused = assertThrows(StartupException.class, () -> Daemon.start(config, Daemon.lock(dataDir), Clock.systemUTC()));
            assertEquals(ExitCodes.HTTP, refused.exitCode());
            assertTrue(refused.getMessage().contains("is the port in use? set http.port (env PORT)"), refused.getMessage());
        }
        // The inputs that started before the HTTP server were stopped again: the data directory is unlocked and the
        // slot is free, so the same configuration starts once the port is.
        daemon = Daemon.start(config, Daemon.lock(dataDir), Clock.systemUTC());
        await("the CDC input streams again", () -> "streaming".equalsIgnoreCase(status().path("cdc").path("state").asText()));
    }

    @Test
    void aCertificateThatCannotBeServedStopsTheStartAsAConfigurationErrorBeforeAnyInputStarts() throws Exception {
        java.nio.file.Path tls = java.nio.file.Files.createDirectories(dataDir.resolveSibling("tls-" + System.nanoTime()));
        java.nio.file.Path certificate = java.nio.file.Files.writeString(tls.resolve("fullchain.pem"),
                "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
        java.nio.file.Path key = java.nio.file.Files.writeString(tls.resolve("privkey.pem"), "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n");
        DaemonConfig config = config(Map.of("http.bind-address", "0.0.0.0", "http.tls.certificate", certificate.toString(),
                "http.tls.private-key", key.toString()));
        StartupException refused = assertThrows(StartupException.class, () -> Daemon.start(config, Daemon.lock(dataDir), Clock.systemUTC()));
        assertEquals(ExitCodes.CONFIG, refused.exitCode());
        assertTrue(refused.getMessage().contains("http.tls.certificate") && refused.getMessage().contains("fullchain.pem"), refused.getMessage());
        // Refused before any input started: no replication slot was created, and the data directory is free again.
        try (java.sql.Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "no slot");
        }
        Daemon.lock(dataDir).close();
    }

    @Test
    void oneEditArrivingByAllThreeInputsLandsOnce() throws Exception {
        start();
        int writesBefore = target.writes();

        portal.execute("UPDATE aligner_batches SET days = 10 WHERE aligner_batch_id = 12044");
        await("CDC carries the edit", () -> {
            try {
                return ((Number) target.batch(12044).get("DAYS")).intValue() == 10;
            } catch (Exception e) {
                return false;
            }
        });

        HttpResponse<String> webhook = post("/api/sync/webhook", webhookBodyForBatch(12044, 14));
        assertEquals(200, webhook.statusCode(), webhook.body());
        assertEquals("duplicate", json.readTree(webhook.body()).path("result").asText());

        HttpResponse<String> poll = post("/api/sync/poll", "");
        assertEquals(200, poll.statusCode(), poll.body());
        assertTrue(poll.body().contains("\"duplicate\":1"), poll.body());

        assertEquals(writesBefore + 1, target.writes(), "one write for one edit, whichever inputs delivered it");
        JsonNode events = status().path("sink").path("events");
        assertEquals(1, events.path("cdc").path("applied").asInt());
        assertEquals(1, events.path("webhook").path("duplicate").asInt());
        assertEquals(1, events.path("poll").path("duplicate").asInt());
    }

    @Test
    void theManualPollTriggerIsProtectedLikeTheWebhook() throws Exception {
        start();
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(DaemonUrls.of(daemon, "/api/sync/poll"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        HttpResponse<String> dryRun = post("/api/sync/poll?dry_run=true", "");
        assertEquals(200, dryRun.statusCode(), dryRun.body());
        assertTrue(json.readTree(dryRun.body()).path("dryRun").asBoolean(), dryRun.body());
    }

    @Test
    void theDeadLetterReplayIsProtectedLikeThePollTriggerAndStatusCarriesTheHourOfHistory() throws Exception {
        start();
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(DaemonUrls.of(daemon, "/api/sync/dead-letters/replay")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        HttpResponse<String> replay = post("/api/sync/dead-letters/replay", "");
        assertEquals(200, replay.statusCode(), replay.body());
        assertEquals(0, json.readTree(replay.body()).path("resolved").asInt(), replay.body());

        portal.execute("UPDATE aligner_batches SET days = 11 WHERE aligner_batch_id = 12044");
        await("the edit is in the hour's history", () -> {
            int cdcApplied = 0;
            for (JsonNode minute : status().path("history").path("minutes")) {
                cdcApplied += minute.path("applied").path("cdc").asInt();
            }
            return cdcApplied == 1; // summed: the edit may straddle a minute boundary
        });
        assertTrue(status().path("sink").path("recentDeadLetters").isArray());
    }

    private static final List<String> OPERATOR_ROUTES = List.of("/api/sync/poll", "/api/sync/reconcile", "/api/sync/dead-letters/replay");

    @Test
    void signedWebhookReplayedAgainstOperatorRoutesIsRefused() throws Exception {
        start(config(Map.of("webhook.signing-secret", WebhookTestServer.SIGNING_SECRET)));
        String body = webhookBodyForBatch(12044, 14);
        Map<String, String> captured = signedDelivery("msg_captured", body);
        HttpResponse<String> delivered = post("/api/sync/webhook", captured, body);
        assertEquals(200, delivered.statusCode(), "the webhook itself still takes signed deliveries: " + delivered.body());

        // Whoever saw that delivery (a log, a proxy) replays its headers and body against the operator routes:
        // the signature covers id.timestamp.body, not the path, so it proves nothing about them.
        for (String path : OPERATOR_ROUTES) {
            HttpResponse<String> replayed = post(path, captured, body);
            assertEquals(401, replayed.statusCode(), path + ": " + replayed.body());
            assertTrue(replayed.body().contains("Bearer"), path + ": " + replayed.body());
        }
    }

    @Test
    void operatorRoutesAcceptTheBearerSecret() throws Exception {
        start(config(Map.of("webhook.signing-secret", WebhookTestServer.SIGNING_SECRET)));
        for (String path : List.of("/api/sync/poll?dry_run=true", "/api/sync/reconcile?dry_run=true", "/api/sync/dead-letters/replay")) {
            HttpResponse<String> answer = post(path, Map.of("Authorization", "Bearer " + SECRET), "");
            assertEquals(200, answer.statusCode(), path + ": " + answer.body());
        }
    }

    @Test
    void operatorRoutesWithoutBearerSecretNameTheKeyToSet() throws Exception {
        Map<String, String> signingOnly = new HashMap<>();
        signingOnly.put("webhook.secret", null);
        signingOnly.put("webhook.signing-secret", WebhookTestServer.SIGNING_SECRET);
        start(config(signingOnly));
        String body = webhookBodyForBatch(12044, 14);
        Map<String, String> signed = signedDelivery("msg_signing_only", body);
        assertEquals(200, post("/api/sync/webhook", signed, body).statusCode(), "the webhook takes the signature");

        for (String path : OPERATOR_ROUTES) {
            for (Map<String, String> credentials : List.of(signed, Map.of("Authorization", "Bearer " + SECRET), Map.<String, String>of())) {
                HttpResponse<String> refused = post(path, credentials, body);
                // Not 401: no credentials could ever be accepted here; the daemon's configuration is what is missing.
                assertEquals(503, refused.statusCode(), path + ": " + refused.body());
                assertEquals("not_configured", json.readTree(refused.body()).path("error").asText(), path + ": " + refused.body());
                assertTrue(refused.headers().firstValue("WWW-Authenticate").isEmpty(), path + ": no credentials to ask for");
                String message = json.readTree(refused.body()).path("message").asText();
                assertTrue(message.contains("webhook.secret") && message.contains("WEBHOOK_SECRET"), path + ": " + message);
            }
        }
        // Not only in the start-up log: status and the console say it for as long as it lasts. Without an operator secret
        // no one can read the status detail, so the summary itself names the key.
        JsonNode summary = status();
        assertFalse(summary.path("detail").asBoolean(), summary.toString());
        assertTrue(summary.path("detailUnavailable").asText().contains("WEBHOOK_SECRET"), summary.toString());
        assertEquals(1, summary.path("summary").path("warnings").asInt(), "the warning is counted: " + summary);
    }

    @Test
    void thePublicListenerServesOnlyTheWebhookAndTheOpsListenerEverythingElse() throws Exception {
        start();
        URI publicBase = URI.create("http://127.0.0.1:" + daemon.webhookPort());
        assertNotEquals(daemon.webhookPort(), daemon.opsPort());
        for (String path : List.of("/", "/api/sync/status", "/metrics", "/console/console.js", "/api/sync/trace?table=aligner_notes&key=1")) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(publicBase.resolve(path)).header("Authorization", "Bearer " + SECRET).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, answer.statusCode(), "public " + path + ": " + answer.body());
        }
        for (String path : OPERATOR_ROUTES) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(publicBase.resolve(path)).header("Authorization", "Bearer " + SECRET)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, answer.statusCode(), "public " + path + ": " + answer.body());
        }
        assertEquals(200, http.send(HttpRequest.newBuilder(publicBase.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        // A bare readiness answer for a load balancer or proxy in front: ready or not, never why.
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(publicBase.resolve("/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("{\"ready\":true}", ready.body());
        assertEquals(200, post("/api/sync/webhook", webhookBodyForBatch(12044, 12)).statusCode(), "the webhook is on the public listener");

        URI opsWebhook = URI.create("http://127.0.0.1:" + daemon.opsPort() + "/api/sync/webhook");
        HttpResponse<String> onOps = http.send(HttpRequest.newBuilder(opsWebhook).header("Authorization", "Bearer " + SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(webhookBodyForBatch(12044, 11))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, onOps.statusCode(), "the ops listener takes no webhook: " + onOps.body());
        assertEquals(200, http.send(HttpRequest.newBuilder(DaemonUrls.of(daemon, "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aSecondDaemonOnTheSameDataDirectoryIsRefused() throws Exception {
        start();
        StartupException refused = assertThrows(StartupException.class, () -> Daemon.lock(dataDir));
        assertEquals(ExitCodes.LOCKED, refused.exitCode());
        assertTrue(refused.getMessage().contains("in use by another aligner-sync"), refused.getMessage());
    }

    @Test
    void aMissingLedgerRefusesTheStartNamingInit() throws Exception {
        target.dropLedger();
        StartupException refused = assertThrows(StartupException.class, () -> Daemon.start(config(), Daemon.lock(dataDir), Clock.systemUTC()));
        assertEquals(ExitCodes.SINK, refused.exitCode());
        assertTrue(refused.getMessage().contains("init"), refused.getMessage());
        Daemon.lock(dataDir).close(); // the failed start released the data directory
    }
}
