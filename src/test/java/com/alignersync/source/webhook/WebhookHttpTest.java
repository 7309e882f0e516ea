package com.alignersync.source.webhook;

import static com.alignersync.source.webhook.WebhookTestServer.SECRET;
import static com.alignersync.source.webhook.WebhookTestServer.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.source.webhook.WebhookTestServer.Answer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every answer of POST /api/sync/webhook, from real HTTP requests with the fixture bodies. */
class WebhookHttpTest {

    private static final String NOTE_TEXT_AFTER_UPDATE = "Patient reports tightness on UL3 and UR3; please check attachments before batch 4.";

    @TempDir
    Path dataDir;

    WebhookTestServer http;

    @BeforeEach
    void start() throws Exception {
        http = new WebhookTestServer(dataDir);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private ObjectNode fixtureJson(String name) throws Exception {
        return (ObjectNode) http.mapper.readTree(fixture(name));
    }

    private void assertError(Answer answer, int status, String error) {
        assertEquals(status, answer.status(), answer.toString());
        assertTrue(answer.contentType().startsWith("application/json"), answer.contentType());
        assertEquals(error, answer.text("error"), answer.toString());
        assertEquals(status, answer.json().path("status").asInt());
        assertFalse(answer.text("message").isBlank());
    }

    private void assertNothingWritten() throws Exception {
        assertEquals(0, http.target.writes());
        assertEquals(0, http.target.query("SELECT * FROM dbo.AlignerSyncLedger").size());
    }

    @Test
    void insertIsAnsweredAppliedAfterTheNoteIsInSqlServer() throws Exception {
        Answer answer = http.post(fixture("webhook-notes-insert.json"));

        assertEquals(200, answer.status(), answer.toString());
        assertEquals("applied", answer.text("result"));
        assertEquals("aligner_notes", answer.text("table"));
        assertEquals("INSERT", answer.text("type"));
        assertEquals(90412, answer.json().path("key").asLong());
        assertEquals("Patient reports tightness on UL3; please check attachment before batch 4.", http.note(90412).get("NOTETEXT"));
        assertEquals(1, http.target.writes());
    }

    @Test
    void updateAndDeleteFixturesApplyInTurn() throws Exception {
        http.post(fixture("webhook-notes-insert.json"));

        Answer update = http.post(fixture("webhook-notes-update.json"));
        assertEquals("applied", update.text("result"), update.toString());
        assertEquals(NOTE_TEXT_AFTER_UPDATE, http.note(90412).get("NOTETEXT"));

        Answer delete = http.post(fixture("webhook-notes-delete.json"));
        assertEquals(200, delete.status(), delete.toString());
        assertEquals("applied", delete.text("result"));
        assertEquals("DELETE", delete.text("type"));
        assertNull(http.note(90412));
    }

    @Test
    void batchUpdateWritesTheNewDays() throws Exception {
        http.target.insertBatch(12044, 3187, 14);

        Answer answer = http.post(fixture("webhook-batches-update.json"));

        assertEquals("applied", answer.text("result"), answer.toString());
        assertEquals(10, ((Number) http.target.batch(12044).get("DAYS")).intValue());
    }

    @Test
    void theSameDeliveryTwiceIsADuplicateAndWritesOnce() throws Exception {
        http.post(fixture("webhook-notes-insert.json"));
        Answer again = http.post(fixture("webhook-notes-insert.json"));

        assertEquals(200, again.status());
        assertEquals("duplicate", again.text("result"), again.toString());
        assertEquals(1, http.target.writes());
    }

    @Test
    void aLateUpdateOlderThanTheAppliedVersionIsStaleAndChangesNothing() throws Exception {
        http.post(fixture("webhook-notes-insert.json"));
        http.post(fixture("webhook-notes-update.json"));
        int writes = http.target.writes();
        ObjectNode late = fixtureJson("webhook-notes-update.json");
        ObjectNode record = (ObjectNode) late.get("record");
        record.put("note_text", "an older edit that arrives last");
        record.put("edited_at", "2026-11-20T09:20:00+00:00");
        record.put("updated_at", "2026-11-20T09:20:00+00:00");

        Answer answer = http.post(late.toString());

        assertEquals(200, answer.status());
        assertEquals("stale", answer.text("result"), answer.toString());
        assertEquals(NOTE_TEXT_AFTER_UPDATE, http.note(90412).get("NOTETEXT"));
        assertEquals(writes, http.target.writes());
    }

    @Test
    void aLabNoteIsIgnoredWithTheReason() throws Exception {
        ObjectNode body = fixtureJson("webhook-notes-insert.json");
        ((ObjectNode) body.get("record")).put("note_type", "Lab");

        Answer answer = http.post(body.toString());

        assertEquals(200, answer.status());
        assertEquals("ignored", answer.text("result"), answer.toString());
        assertTrue(answer.text("detail").contains("Lab"), answer.text("detail"));
        assertNull(http.note(90412));
        assertEquals(0, http.target.writes());
    }

    @Test
    void aBatchChangeThatLeavesDaysAloneIsIgnored() throws Exception {
        http.target.insertBatch(12044, 3187, 14);
        ObjectNode body = fixtureJson("webhook-batches-update.json");
        ((ObjectNode) body.get("record")).put("days", 14);
        ((ObjectNode) body.get("record")).put("upper_aligner_count", 6);
        int writes = http.target.writes();

        Answer answer = http.post(body.toString());

        assertEquals("ignored", answer.text("result"), answer.toString());
        assertTrue(answer.text("detail").contains("days unchanged"), answer.text("detail"));
        assertEquals(writes, http.target.writes());
    }

    @Test
    void aBatchInsertIsValidatedThenIgnored() throws Exception {
        http.target.insertBatch(12044, 3187, 14);
        ObjectNode body = fixtureJson("webhook-batches-update.json");
        body.put("type", "INSERT");
        body.putNull("old_record");
        int writes = http.target.writes();

        Answer answer = http.post(body.toString());

        assertEquals("ignored", answer.text("result"), answer.toString());
        assertEquals(14, ((Number) http.target.batch(12044).get("DAYS")).intValue());
        assertEquals(writes, http.target.writes());
    }

    @Test
    void aBatchDeleteIsIgnoredAndTheBatchStays() throws Exception {
        http.target.insertBatch(12044, 3187, 14);
        ObjectNode body = fixtureJson("webhook-batches-update.json");
        body.put("type", "DELETE");
        body.set("old_record", body.get("record"));
        body.putNull("record");
        int writes = http.target.writes();

        Answer answer = http.post(body.toString());

        assertEquals("ignored", answer.text("result"), answer.toString());
        assertTrue(answer.text("detail").contains("never deleted"), answer.text("detail"));
        assertEquals(14, ((Number) http.target.batch(12044).get("DAYS")).intValue());
        assertEquals(writes, http.target.writes());
    }

    @Test
    void aBodyThatIsNotJsonIs400() throws Exception {
        assertError(http.post("{\"type\": \"INSERT\", \"table\": "), 400, "bad_request");
        assertError(http.post(""), 400, "bad_request");
        assertNothingWritten();
    }

    @Test
    void aMissingTopLevelFieldIs400NamingIt() throws Exception {
        ObjectNode noType = fixtureJson("webhook-notes-insert.json");
        noType.remove("type");
        Answer answer = http.post(noType.toString());
        assertError(answer, 400, "bad_request");
        assertEquals("type", answer.text("field"));

        ObjectNode noRecord = fixtureJson("webhook-notes-insert.json");
        noRecord.putNull("record");
        Answer missingRecord = http.post(noRecord.toString());
        assertError(missingRecord, 400, "bad_request");
        assertEquals("record", missingRecord.text("field"));

        ObjectNode deleteWithoutOld = fixtureJson("webhook-notes-delete.json");
        deleteWithoutOld.putNull("old_record");
        Answer missingOld = http.post(deleteWithoutOld.toString());
        assertEquals("old_record", missingOld.text("field"), missingOld.toString());
        assertNothingWritten();
    }

    @Test
    void aMissingOrMistypedColumnIs400NamingItWithoutEchoingTheValue() throws Exception {
        ObjectNode noText = fixtureJson("webhook-notes-insert.json");
        ((ObjectNode) noText.get("record")).remove("note_text");
        Answer missing = http.post(noText.toString());
        assertError(missing, 400, "bad_request");
        assertEquals("record.note_text", missing.text("field"));

        ObjectNode wrongKey = fixtureJson("webhook-notes-insert.json");
        ((ObjectNode) wrongKey.get("record")).put("note_id", "secret clinical remark");
        Answer mistyped = http.post(wrongKey.toString());
        assertError(mistyped, 400, "bad_request");
        assertEquals("record.note_id", mistyped.text("field"));
        assertTrue(mistyped.text("message").contains("expected an integer, got a string"), mistyped.toString());
        assertFalse(mistyped.body().contains("clinical remark"), mistyped.body());
        assertNothingWritten();
    }

    @Test
    void aTimestampFarOutOfRangeIs422NamingTheField() throws Exception {
        ObjectNode body = fixtureJson("webhook-notes-insert.json");
        ((ObjectNode) body.get("record")).put("created_at", "+999999999-12-31T23:59:59Z");
        Answer answer = http.post(body.toString());
        assertError(answer, 422, "unprocessable");
        assertEquals("record.created_at", answer.text("field"));
        assertNothingWritten();
    }

    @Test
    void withoutCredentialsIs401() throws Exception {
        Answer answer = http.send(HttpRequest.newBuilder(http.uri(WebhookInput.PATH))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(fixture("webhook-notes-insert.json"))).build());
        assertError(answer, 401, "unauthorized");
        assertNothingWritten();
    }

    @Test
    void aWrongSecretOfTheRightLengthAndOfAnotherLengthAreBoth401() throws Exception {
        String sameLength = "X" + SECRET.substring(1);
        assertEquals(SECRET.length(), sameLength.length());
        for (String wrong : new String[] {sameLength, SECRET + "0", "short", SECRET.toUpperCase()}) {
            Answer answer = http.send(http.webhookRequest(fixture("webhook-notes-insert.json"))
                    .setHeader("Authorization", "Bearer " + wrong).build());
            assertError(answer, 401, "unauthorized");
            assertFalse(answer.body().contains(SECRET), answer.body());
        }
        Answer basic = http.send(http.webhookRequest(fixture("webhook-notes-insert.json"))
                .setHeader("Authorization", "Basic " + SECRET).build());
        assertError(basic, 401, "unauthorized");
        assertNothingWritten();
    }

    @Test
    void aBodyOverTheLimitIs413WithOrWithoutContentLength() throws Exception {
        ObjectNode big = fixtureJson("webhook-notes-insert.json");
        ((ObjectNode) big.get("record")).put("note_text", "x".repeat(1_048_576));
        byte[] bytes = big.toString().getBytes(StandardCharsets.UTF_8);

        Answer declared = http.send(http.webhookRequest("").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
        assertError(declared, 413, "payload_too_large");

        // ofInputStream sends no Content-Length: chunked, counted while reading.
        Answer chunked = http.send(http.webhookRequest("")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build());
        assertError(chunked, 413, "payload_too_large");
        assertNothingWritten();

        assertEquals("applied", http.post(fixture("webhook-notes-insert.json")).text("result"), "the server goes on after a 413");
    }

    @Test
    void aContentTypeOtherThanJsonIs415() throws Exception {
        Answer text = http.send(http.webhookRequest(fixture("webhook-notes-insert.json")).setHeader("Content-Type", "text/plain").build());
        assertError(text, 415, "unsupported_media_type");
        Answer none = http.send(HttpRequest.newBuilder(http.uri(WebhookInput.PATH))
                .header("Authorization", "Bearer " + SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(fixture("webhook-notes-insert.json"))).build());
        assertError(none, 415, "unsupported_media_type");
        Answer withCharset = http.send(http.webhookRequest(fixture("webhook-notes-insert.json"))
                .setHeader("Content-Type", "application/json; charset=utf-8").build());
        assertEquals(200, withCharset.status(), withCharset.toString());
    }

    @Test
    void anUnknownTableSchemaOrEventTypeIs422() throws Exception {
        ObjectNode table = fixtureJson("webhook-notes-insert.json");
        table.put("table", "patients");
        Answer unknownTable = http.post(table.toString());
        assertError(unknownTable, 422, "unprocessable");
        assertEquals("table", unknownTable.text("field"));

        ObjectNode type = fixtureJson("webhook-notes-insert.json");
        type.put("type", "TRUNCATE");
        Answer unknownType = http.post(type.toString());
        assertError(unknownType, 422, "unprocessable");
        assertEquals("type", unknownType.text("field"));

        ObjectNode schema = fixtureJson("webhook-notes-insert.json");
        schema.put("schema", "archive");
        assertError(http.post(schema.toString()), 422, "unprocessable");
        assertNothingWritten();
    }

    @Test
    void anUnavailableSinkIs503AndReadyReportsIt() throws Exception {
        http.target.dropLedger();

        Answer answer = http.post(fixture("webhook-notes-insert.json"));

        assertError(answer, 503, "sink_unavailable");
        assertNull(http.note(90412));
        Answer ready = http.get("/ready");
        assertEquals(503, ready.status(), ready.toString());
        assertTrue(ready.text("message").contains("init"), ready.toString());
        Answer anonymous = http.getPublic("/ready");
        assertEquals(503, anonymous.status(), anonymous.toString());
        assertFalse(anonymous.body().contains("init") || anonymous.body().contains("AlignerSyncLedger"),
                "without the operator secret, not ready and no reason: " + anonymous);
        assertEquals("not_ready", http.get("/api/sync/status").json().path("summary").path("state").asText());
    }

    @Test
    void aSignedRequestIsAcceptedWithoutBearerAndATamperedOrExpiredOneIs401() throws Exception {
        String body = fixture("webhook-notes-insert.json");
        long now = Instant.now().getEpochSecond();

        Answer tampered = http.send(signed(body.replace("UL3;", "UL4;"), "msg_1", now, sign("msg_1", now, body)));
        assertError(tampered, 401, "unauthorized");
        long old = now - 301;
        Answer expired = http.send(signed(body, "msg_2", old, sign("msg_2", old, body)));
        assertError(expired, 401, "unauthorized");
        assertTrue(expired.text("message").contains("tolerance"), expired.toString());
        assertNothingWritten();

        Answer valid = http.send(signed(body, "msg_3", now, sign("msg_3", now, body)));
        assertEquals(200, valid.status(), valid.toString());
        assertEquals("applied", valid.text("result"));
    }

    private HttpRequest signed(String body, String id, long timestamp, String signature) {
        return HttpRequest.newBuilder(http.uri(WebhookInput.PATH))
                .header("Content-Type", "application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", "v1," + signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static String sign(String id, long timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(WebhookTestServer.SIGNING_KEY, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anUnknownRouteIs404AndAWrongMethodIs405InJson() throws Exception {
        assertError(http.get("/api/sync/nothing-here"), 404, "not_found");
        assertError(http.get(WebhookInput.PATH), 405, "method_not_allowed");
    }

    @Test
    void healthReadyStatusAndMetricsReportWhatHappened() throws Exception {
        http.post(fixture("webhook-notes-insert.json"));
        http.send(http.webhookRequest(fixture("webhook-notes-insert.json")).setHeader("Authorization", "Bearer nope").build());

        assertEquals("up", http.get("/health").text("status"));
        Answer ready = http.get("/ready");
        assertEquals(200, ready.status(), ready.toString());

        Answer status = http.get("/api/sync/status");
        assertEquals(200, status.status());
        JsonNode json = status.json();
        assertEquals("ok", json.path("summary").path("state").asText(), status.body());
        JsonNode webhook = json.path("webhook");
        assertEquals("accepting", webhook.path("state").asText());
        assertEquals(1, webhook.path("counts").path("applied").asLong());
        assertEquals(1, webhook.path("counts").path("unauthorized").asLong());
        assertEquals(1, webhook.path("counts").path("failed").asLong());
        assertFalse(webhook.path("lastEventAt").isNull());
        assertEquals("reachable", json.path("sink").path("state").asText());
        assertEquals(1, json.path("sink").path("events").path("webhook").path("applied").asLong());
        assertEquals(0, json.path("sink").path("deadLetters").asInt());
        assertFalse(status.body().contains(SECRET));
        assertFalse(status.body().contains("tightness"), "no note text in status");

        Answer metrics = http.get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.contentType().startsWith("text/plain"), metrics.contentType());
        assertTrue(metrics.body().contains("aligner_sync_events_total{input=\"webhook\",outcome=\"applied\"} 1.0"), metrics.body());
        assertTrue(metrics.body().contains("aligner_sync_webhook_requests_total{result=\"unauthorized\"} 1.0"), metrics.body());
    }

    @Test
    void aDeadLetteredChangeIs200AndCountedInStatus() throws Exception {
        http.target.insertLabNote(90412, 3187, "lab owns this id");

        Answer answer = http.post(fixture("webhook-notes-insert.json"));

        assertEquals(200, answer.status(), answer.toString());
        assertEquals("dead_letter", answer.text("result"));
        assertEquals(1, http.get("/api/sync/status").json().path("sink").path("deadLetters").asInt());
    }
}
