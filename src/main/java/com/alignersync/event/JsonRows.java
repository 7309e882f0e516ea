package com.alignersync.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed JSON row (PostgREST's page row, a webhook's record) as the column map
 * {@link ChangeEvents#of} takes. It walks the tree directly: {@code ObjectMapper.convertValue}
 * gave the same map but wrote the tree into a token buffer and read it back through the
 * deserializer, a fifth of the poll's row conversion in its profile. The values are the ones
 * convertValue gave (pinned by {@code JsonRowsTest}), because {@link ColumnType} types a column
 * by the Java class of its value: strings, Integer/Long/BigInteger as the number node holds
 * them (Double for decimals; BigDecimal only if the mapper that parsed it was told so),
 * Boolean, null, nested objects as LinkedHashMap and arrays as ArrayList, keys in JSON order.
 */
public final class JsonRows {

    private JsonRows() {
    }

    public static Map<String, Object> toMap(ObjectNode row) {
        // Sized so that the row's columns fit without a rehash.
        Map<String, Object> map = new LinkedHashMap<>(row.size() * 4 / 3 + 1);
        for (Map.Entry<String, JsonNode> field : row.properties()) {
            map.put(field.getKey(), value(field.getValue()));
        }
        return map;
    }

    private static Object value(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> toMap((ObjectNode) node);
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode element : node) {
                    list.add(value(element));
                }
                yield list;
            }
            case STRING -> node.textValue();
            // The node already holds the parsed type (IntNode -> Integer, LongNode -> Long,
            // BigIntegerNode -> BigInteger, DoubleNode -> Double), as the mapper's features chose it.
            case NUMBER -> node.numberValue();
            case BOOLEAN -> node.booleanValue();
            case NULL -> null;
            // Binary, POJO and missing nodes are never produced by parsing JSON text.
            case BINARY, POJO, MISSING -> throw new IllegalArgumentException("not a value parsed from JSON: " + node.getNodeType());
        };
    }
}
