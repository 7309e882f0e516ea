package com.alignersync.source.webhook;

import static com.alignersync.source.webhook.WebhookTestServer.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The one place a webhook body becomes a change event: what it accepts and how it refuses. */
class WebhookPayloadParserTest {

    private final WebhookPayloadParser parser = new WebhookPayloadParser();

    private ParsedWebhook parse(String body) throws WebhookRejection {
        return parser.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private WebhookRejection refused(String body) {
        return assertThrows(WebhookRejection.class, () -> parse(body));
    }

    @Test
    void theFixturesBecomeEventsWithKeyOpAndVersionFromTheRow() throws Exception {
        ChangeEvent insert = parse(fixture("webhook-notes-insert.json")).event();
        assertEquals(Input.WEBHOOK, insert.input());
        assertEquals(SourceTable.ALIGNER_NOTES, insert.table());
        assertEquals(Op.CREATE, insert.op());
        assertEquals(90412, insert.key());
        assertNull(insert.before());
        assertEquals(ChangeEvents.toMicros(Instant.parse("2026-11-20T09:14:03.512844Z")), insert.version());

        ChangeEvent update = parse(fixture("webhook-notes-update.json")).event();
        assertEquals(Op.UPDATE, update.op());
        assertNotNull(update.before());
        assertEquals(ChangeEvents.toMicros(Instant.parse("2026-11-20T09:31:47.100201Z")), update.version());

        ChangeEvent delete = parse(fixture("webhook-notes-delete.json")).event();
        assertEquals(Op.DELETE, delete.op());
        assertNull(delete.after());
        assertEquals(ChangeEvents.toMicros(Instant.parse("2026-11-20T10:02:11.000418Z")) + 1, delete.version());

        ParsedWebhook batch = parse(fixture("webhook-batches-update.json"));
        assertEquals(SourceTable.ALIGNER_BATCHES, batch.event().table());
        assertEquals(12044, batch.event().key());
        assertEquals(10L, batch.event().after().integer("days"));
        assertFalse(batch.ignored());
    }

    @Test
    void aWebhookCopyHashesLikeTheSameRowFromAnotherInput() throws Exception {
        ChangeEvent webhook = parse(fixture("webhook-notes-update.json")).event();
        var record = new com.fasterxml.jackson.databind.ObjectMapper().readValue(fixture("webhook-notes-update.json"), java.util.Map.class);
        @SuppressWarnings("unchecked")
        ChangeEvent poll = ChangeEvents.of(Input.POLL, SourceTable.ALIGNER_NOTES, Op.READ, null,
                (java.util.Map<String, Object>) record.get("record"));
        assertEquals(poll.version(), webhook.version());
        assertEquals(poll.contentHash(), webhook.contentHash());
    }

    @Test
    void aBatchInsertIsValidatedButIgnoredBeforeTheSink() throws Exception {
        String insert = fixture("webhook-batches-update.json").replace("\"UPDATE\"", "\"INSERT\"");
        ParsedWebhook parsed = parse(insert);
        assertTrue(parsed.ignored());
        assertTrue(parsed.ignoredReason().contains("only UPDATEs"), parsed.ignoredReason());

        WebhookRejection broken = refused(insert.replace("\"days\": 10", "\"days\": \"ten\""));
        assertEquals("record.days", broken.field());
    }

    @Test
    void malformedBodiesAre400() {
        assertEquals(400, refused("not json").status());
        assertEquals(400, refused("[1, 2]").status());
        assertEquals(400, refused("").status());
        WebhookRejection trailing = refused(fixture("webhook-notes-insert.json") + " {}");
        assertEquals(400, trailing.status());
        WebhookRejection typeNotText = refused("{\"type\": 1, \"table\": \"aligner_notes\"}");
        assertEquals("type", typeNotText.field());
        assertTrue(typeNotText.getMessage().contains("must be a string, got a number"), typeNotText.getMessage());
    }

    @Test
    void aColumnGivenTwiceIsRefusedRatherThanOneCopyPicked() {
        String twice = fixture("webhook-notes-insert.json").replace("\"note_id\": 90412,", "\"note_id\": 90412, \"note_id\": 90413,");
        WebhookRejection e = refused(twice);
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
    }

    @Test
    void rowFieldsAreNamedAsTheSenderKnowsThem() {
        WebhookRejection notObject = refused(fixture("webhook-notes-insert.json").replaceFirst("\"record\": \\{", "\"record\": 5, \"x\": {"));
        assertEquals("record", notObject.field());

        String deleteWithBadOldKey = fixture("webhook-notes-delete.json").replace("\"note_id\": 90412", "\"note_id\": true");
        WebhookRejection e = refused(deleteWithBadOldKey);
        assertEquals("old_record.note_id", e.field());
        assertTrue(e.getMessage().contains("got a boolean"), e.getMessage());

        String keyChanged = fixture("webhook-notes-update.json").replaceFirst("\"note_id\": 90412", "\"note_id\": 90413");
        assertEquals("old_record.note_id", refused(keyChanged).field());

        String nullRead = fixture("webhook-notes-insert.json").replace("\"is_read\": false", "\"is_read\": null");
        assertEquals("record.is_read", refused(nullRead).field());
    }

    @Test
    void aTimestampFarOutOfRangeIs422NamingTheField() {
        String farFuture = fixture("webhook-notes-update.json")
                .replace("\"updated_at\": \"2026-11-20T09:31:47.100201+00:00\"", "\"updated_at\": \"+999999999-12-31T23:59:59Z\"");
        WebhookRejection future = refused(farFuture);
        assertEquals(422, future.status());
        assertEquals("unprocessable", future.error());
        assertEquals("record.updated_at", future.field());

        String farPastOld = fixture("webhook-notes-delete.json").replace("\"created_at\": \"2026-", "\"created_at\": \"-500000-");
        WebhookRejection past = refused(farPastOld);
        assertEquals(422, past.status());
        assertEquals("old_record.created_at", past.field());
    }

    @Test
    void noRowValueIsEchoedInAnError() {
        String textAsId = fixture("webhook-notes-insert.json").replace("\"note_id\": 90412", "\"note_id\": \"private words\"");
        WebhookRejection e = refused(textAsId);
        assertFalse(e.getMessage().contains("private"), e.getMessage());

        String textAsObject = fixture("webhook-notes-insert.json").replace("\"note_text\": \"Patient", "\"note_text\": {\"x\": \"Patient")
                .replace("batch 4.\",", "batch 4.\"},");
        WebhookRejection nested = refused(textAsObject);
        assertEquals("record.note_text", nested.field());
        assertFalse(nested.getMessage().contains("Patient"), nested.getMessage());

        String badJson = "{\"type\": \"INSERT\", \"note_text\": \"private words\" oops}";
        assertFalse(refused(badJson).getMessage().contains("private"));
    }

    @Test
    void unknownTablesSchemasAndEventTypesAre422() {
        WebhookRejection table = refused(fixture("webhook-notes-insert.json").replace("\"aligner_notes\"", "\"aligner_sets\""));
        assertEquals(422, table.status());
        assertEquals("table", table.field());
        WebhookRejection type = refused(fixture("webhook-notes-insert.json").replace("\"INSERT\"", "\"UPSERT\""));
        assertEquals(422, type.status());
        assertEquals("type", type.field());
        WebhookRejection schema = refused(fixture("webhook-notes-insert.json").replace("\"public\"", "\"auth\""));
        assertEquals(422, schema.status());
        assertEquals("schema", schema.field());
    }
}
