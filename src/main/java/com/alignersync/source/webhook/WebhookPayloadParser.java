package com.alignersync.source.webhook;

import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.ColumnType;
import com.alignersync.event.Input;
import com.alignersync.event.InvalidChangeException;
import com.alignersync.event.JsonRows;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/**
 * Where a Supabase Database Webhook body ({@code type, table, schema, record, old_record})
 * becomes a {@link ChangeEvent}, and the only place. Anything that can never apply is a
 * {@link WebhookRejection}: 400 for a malformed body (naming the field), 422 for a
 * well-formed body about a table, schema or event type the daemon does not handle, or with a
 * value out of range (naming the field).
 */
public final class WebhookPayloadParser {

    /** The portal's tables live in Supabase's public schema. */
    static final String SCHEMA = "public";

    private final ObjectMapper mapper;

    public WebhookPayloadParser() {
        // A body that names a column twice is ambiguous: refuse it rather than pick one copy.
        this.mapper = new ObjectMapper()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public ParsedWebhook parse(byte[] body) throws WebhookRejection {
        JsonNode root = readJson(body);
        if (!root.isObject()) {
            throw WebhookRejection.badRequest(null, "the body must be a JSON object with type, table, schema, record and old_record");
        }
        String type = requiredText(root, "type");
        String tableName = requiredText(root, "table");
        JsonNode schema = root.get("schema");
        if (schema != null && !schema.isNull()) {
            if (!schema.isTextual()) {
                throw WebhookRejection.badRequest("schema", "must be a string, got " + jsonType(schema));
            }
            if (!SCHEMA.equals(schema.asText())) {
                throw WebhookRejection.unprocessable("schema", "schema '" + shorten(schema.asText()) + "' is not synced: only "
                        + SCHEMA + ".aligner_notes and " + SCHEMA + ".aligner_batches are");
            }
        }
        SourceTable table = SourceTable.byName(tableName).orElseThrow(() -> WebhookRejection.unprocessable("table",
                "table '" + shorten(tableName) + "' is not synced: only aligner_notes and aligner_batches are"));
        Op op = switch (type) {
            case "INSERT" -> Op.CREATE;
            case "UPDATE" -> Op.UPDATE;
            case "DELETE" -> Op.DELETE;
            default -> throw WebhookRejection.unprocessable("type",
                    "event type '" + shorten(type) + "' is not handled: expected INSERT, UPDATE or DELETE");
        };
        Map<String, Object> record = row(root, "record", op != Op.DELETE);
        Map<String, Object> oldRecord = row(root, "old_record", op == Op.DELETE);
        ChangeEvent event;
        try {
            event = ChangeEvents.of(Input.WEBHOOK, table, op, oldRecord, op == Op.DELETE ? null : record);
        } catch (InvalidChangeException e) {
            throw invalidField(e, op == Op.DELETE ? oldRecord : record, oldRecord);
        }
        return new ParsedWebhook(type, event, ignoredBeforeSink(table, op));
    }

    /**
     * Batches are created in SQL Server and forward-synced to the portal, so a batch INSERT
     * webhook only echoes the clinic's own row: validated, then ignored. (A batch DELETE goes
     * to the sink, which ignores it and counts it.)
     */
    private static String ignoredBeforeSink(SourceTable table, Op op) {
        if (table == SourceTable.ALIGNER_BATCHES && op == Op.CREATE) {
            return "batches are created by the clinic; only UPDATEs of aligner_batches.days flow back";
        }
        return null;
    }

    private JsonNode readJson(byte[] body) throws WebhookRejection {
        if (body.length == 0) {
            throw WebhookRejection.badRequest(null, "the body is empty: expected a Supabase Database Webhook JSON object");
        }
        try {
            JsonNode root = mapper.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw WebhookRejection.badRequest(null, "the body is empty: expected a Supabase Database Webhook JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the offending text, which may be note text: keep only where it broke.
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            String what = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                    ? "a field appears twice" : "not valid JSON";
            throw WebhookRejection.badRequest(null, "the body is " + what + where);
        } catch (IOException e) {
            throw WebhookRejection.badRequest(null, "the body cannot be read as JSON");
        }
    }

    private static String requiredText(JsonNode root, String field) throws WebhookRejection {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw WebhookRejection.badRequest(field, "is missing");
        }
        if (!node.isTextual()) {
            throw WebhookRejection.badRequest(field, "must be a string, got " + jsonType(node));
        }
        return node.asText();
    }

    private Map<String, Object> row(JsonNode root, String field, boolean required) throws WebhookRejection {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw WebhookRejection.badRequest(field, "is missing or null: this event type must carry the "
                        + (field.equals("record") ? "new" : "old") + " row");
            }
            return null;
        }
        if (!(node instanceof ObjectNode object)) {
            throw WebhookRejection.badRequest(field, "must be a JSON object (the row), got " + jsonType(node));
        }
        // Walks the tree directly: convertValue gave the same map through a token buffer and the deserializer.
        return JsonRows.toMap(object);
    }

    /**
     * The event model names the rows before/after; a webhook sender knows them as
     * old_record/record. Type errors keep only what was expected and the JSON type received,
     * so no value (possibly note text) is echoed back.
     */
    private static WebhookRejection invalidField(InvalidChangeException e, Map<String, Object> keyedRow, Map<String, Object> oldRecord) {
        String field = e.field();
        String side = field.startsWith("before") ? "old_record" : "record";
        String column = field.contains(".") ? field.substring(field.indexOf('.') + 1) : null;
        String path = column == null ? side : side + "." + column;
        String message = e.getMessage().startsWith(field + ": ") ? e.getMessage().substring(field.length() + 2) : e.getMessage();
        int got = message.indexOf(", got ");
        if (got >= 0) {
            Map<String, Object> row = side.equals("old_record") ? oldRecord : keyedRow;
            Object value = row == null || column == null ? null : row.get(column);
            message = message.substring(0, got) + ", got " + ColumnType.kindOf(value);
        }
        return e.outOfRange() ? WebhookRejection.unprocessable(path, message) : WebhookRejection.badRequest(path, message);
    }

    private static String jsonType(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            default -> "null";
        };
    }

    /** Table and type names are echoed to help the sender; a hostile value is cut short. */
    private static String shorten(String text) {
        String clean = text.replaceAll("[^A-Za-z0-9_.\\-]", "?");
        return clean.length() <= 64 ? clean : clean.substring(0, 64) + "...";
    }
}
