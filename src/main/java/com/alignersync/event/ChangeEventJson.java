package com.alignersync.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * A change event as JSON and back, for dead letters: the rows keep their canonical values
 * (timestamps as ISO-8601 UTC), so reading one back goes through {@link ChangeEvents#of}
 * and yields the same key, version and hash.
 */
public final class ChangeEventJson {

    private final ObjectMapper mapper;

    public ChangeEventJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectNode toJson(ChangeEvent event) {
        ObjectNode node = mapper.createObjectNode();
        node.put("input", event.input().name());
        node.put("table", event.table().tableName());
        node.put("op", event.op().code());
        node.put("key", event.key());
        if (event.hasKnownVersion()) {
            node.put("version", event.version());
        } else {
            node.putNull("version");
        }
        node.put("contentHash", event.contentHash());
        node.set("before", rowJson(event.before()));
        node.set("after", rowJson(event.after()));
        if (event.position() != null) {
            node.put("lsn", event.position().lsnText());
            node.put("commitTime", String.valueOf(event.position().commitTime()));
        }
        return node;
    }

    /** @throws InvalidChangeException when the JSON does not describe a valid event */
    public ChangeEvent fromJson(JsonNode node) {
        Input input = Input.valueOf(text(node, "input"));
        SourceTable table = SourceTable.byName(text(node, "table"))
                .orElseThrow(() -> new InvalidChangeException("table", "unknown table " + node.path("table").asText()));
        Op op = Op.fromCode(text(node, "op"));
        return ChangeEvents.of(input, table, op, rowMap(node.get("before")), rowMap(node.get("after")));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidChangeException(field, "is missing");
        }
        return value.asText();
    }

    private JsonNode rowJson(Row row) {
        if (row == null) {
            return mapper.nullNode();
        }
        ObjectNode node = mapper.createObjectNode();
        row.values().forEach((column, value) -> {
            if (value == null) {
                node.putNull(column);
            } else if (value instanceof Long l) {
                node.put(column, l);
            } else if (value instanceof Boolean b) {
                node.put(column, b);
            } else if (value instanceof Instant || value instanceof LocalDate) {
                node.put(column, value.toString());
            } else {
                node.put(column, value.toString());
            }
        });
        return node;
    }

    private Map<String, Object> rowMap(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!(node instanceof ObjectNode row)) {
            throw new IllegalArgumentException("a row must be a JSON object, not " + node.getNodeType());
        }
        return JsonRows.toMap(row);
    }
}
