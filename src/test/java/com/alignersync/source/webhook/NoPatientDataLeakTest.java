package com.alignersync.source.webhook;

import static com.alignersync.source.webhook.WebhookTestServer.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.WebhookConfig;
import com.alignersync.sink.support.HostileSqlServer.Effect;
import com.alignersync.sink.support.SqlServerError;
import com.alignersync.source.webhook.WebhookTestServer.Answer;
import com.alignersync.support.LogCapture;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md 11: no note text, and no SQL Server message quoting a value, in a log line, a webhook
 * answer (pg_net keeps it in the portal for hours) or the unauthenticated status. A note text is
 * planted in the row and in SQL Server's refusal, and everything the daemon says is scanned for it.
 */
class NoPatientDataLeakTest {

    private static final String PLANTED = "PLANTED-PHI-7731";

    @TempDir
    Path dataDir;

    private final ObjectMapper mapper = new ObjectMapper();

    private String noteWithPlantedText(long id) throws Exception {
        return noteWithText(id, PLANTED + " reports tightness on UL3");
    }

    private String noteWithText(long id, String text) throws Exception {
        ObjectNode body = (ObjectNode) mapper.readTree(fixture("webhook-notes-insert.json"));
        ((ObjectNode) body.get("record")).put("note_id", id).put("note_text", text);
        return body.toString();
    }

    @Test
    void aWriteSqlServerRefusesQuotingTheRowLeavesTheTextOnlyInTheDeadLetterFile() throws Exception {
        WebhookConfig config = WebhookTestServer.config(WebhookConfig.Auth.BEARER, WebhookTestServer.SECRET, null, 1_048_576);
        try (WebhookTestServer http = new WebhookTestServer(dataDir, config, Clock.systemUTC(), (s, w) -> { }, Duration.ZERO, true);
             LogCapture log = new LogCapture()) {
            http.sqlServer.triggerFails("dbo.tblAlignerNotes", 7, SqlServerError.TRIGGER_THROW_QUOTING_ROW, Effect.RAISE, -1);

            // Refused alone with nothing committing, the row is held (503); once another note commits it is a bad row, parked.
            Answer held = http.post(noteWithPlantedText(7));
            assertEquals(503, held.status(), held.toString());
            assertFalse(held.body().contains(PLANTED), "503 answer: " + held.body());
            assertEquals(200, http.post(noteWithText(8, "a note SQL Server takes")).status());
            Answer answer = http.post(noteWithPlantedText(7));
            Answer status = http.get("/api/sync/status");
            Answer summary = http.getPublic("/api/sync/status");

            assertEquals(200, answer.status(), answer.toString());
            assertEquals("dead_letter", answer.text("result"), answer.toString());
            assertTrue(answer.text("detail").contains("error 51000"), "the number stays, for the operator: " + answer);
            assertFalse(answer.body().contains(PLANTED), "webhook answer: " + answer.body());
            assertFalse(status.body().contains(PLANTED), "operator's status detail: " + status.body());
            assertFalse(summary.body().contains(PLANTED), "public status summary: " + summary.body());
            assertEquals(List.of(), log.containing(PLANTED), "log lines quoting the row");
            assertTrue(Files.readString(http.deadLetters.file()).contains(PLANTED), "the full text is kept where the operator needs it");
        }
    }
}
