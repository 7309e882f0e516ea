package com.alignersync.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link JsonRows#toMap} replaced {@code ObjectMapper.convertValue(row, LinkedHashMap.class)}
 * (poll) and {@code convertValue(row, Map<String, Object>)} (webhook): the event model types
 * columns by the Java class of each value, so the two must give the very same values, classes
 * and key order for every row a source can send.
 */
class JsonRowsTest {

    private static final TypeReference<Map<String, Object>> ROW = new TypeReference<>() {
    };

    /** Rows as the sources send them, and the shapes a row may carry beyond them. */
    private static final List<String> ROWS = List.of(
            // a Doctor note as PostgREST and the webhook send it
            """
            {"note_id": 90412, "aligner_set_id": 3187, "note_type": "Doctor",
             "note_text": "Patient reports tightness on UL3 and UR3; please check attachments before batch 4.",
             "created_at": "2026-11-20T09:14:03.512844+00:00", "is_edited": true,
             "edited_at": null, "is_read": false, "updated_at": "2026-11-20T09:31:47.100201+00:00"}
            """,
            // a batch
            """
            {"aligner_batch_id": 12044, "aligner_set_id": 3187, "days": 10,
             "created_at": "2026-10-02T07:00:00+00:00", "updated_at": "2026-11-21T16:45:09.781223+00:00"}
            """,
            // unicode, escapes, empty strings and keys, key order that is not alphabetical
            """
            {"z": "Zähne – 歯 – 🦷", "a": "line\\nbreak \\"quoted\\" \\u00e9 \\u0000 tab\\t", "": "", "ключ": "значение",
             "note_text": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 surrogate pair \\ud83d\\ude00"}
            """,
            // integers around the Integer / Long / BigInteger boundaries
            """
            {"zero": 0, "minus": -1, "int_max": 2147483647, "int_min": -2147483648,
             "past_int": 2147483648, "below_int": -2147483649,
             "long_max": 9223372036854775807, "long_min": -9223372036854775808,
             "past_long": 9223372036854775808, "below_long": -9223372036854775809,
             "huge": 123456789012345678901234567890123456789}
            """,
            // decimals: plain, exponent, negative zero, more digits than a double, overflow and underflow
            """
            {"half": 1.5, "tenth": 0.1, "whole": 10.0, "neg_zero": -0.0, "exp": 1e10, "exp_neg": 1E-7, "exp_frac": 1.0e2,
             "pi_long": 3.14159265358979323846264338327950288419716939937510,
             "max": 1.7976931348623157e308, "overflow": 1e400, "underflow": 1e-400, "tiny": 4.9e-324}
            """,
            // booleans and nulls
            """
            {"t": true, "f": false, "n": null}
            """,
            // nested JSON (a json/jsonb column): objects, arrays, empties, mixed, deep
            """
            {"meta": {"teeth": ["UL3", "UR3"], "counts": {"a": 1, "b": 2147483648, "c": 1.25, "d": null, "e": true},
                      "empty_object": {}, "empty_array": [], "nested": [[1, 2], [{"x": [null, false, "s"]}], []],
                      "big": [99999999999999999999, -0.5e-3]},
             "tags": ["a", 1, 2.5, null, true, {"k": "v"}, ["deep", ["deeper", {"deepest": 9223372036854775808}]]]}
            """,
            // an empty row
            "{}");

    /** The mapper the poll is given (Daemon and PollCommand build a default one) and the webhook parser's. */
    static Stream<ObjectMapper> mappers() {
        return Stream.of(
                new ObjectMapper(),
                new ObjectMapper()
                        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS),
                // Not used today; the tree then already carries the type convertValue would give.
                new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS),
                new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS));
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void givesWhatConvertValueGaveForEveryRowShape(ObjectMapper mapper) throws IOException {
        for (String json : ROWS) {
            assertSameAsConvertValue(mapper, (ObjectNode) mapper.readTree(json), json);
        }
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void givesWhatConvertValueGaveForTheFixtures(ObjectMapper mapper) throws IOException {
        List<ObjectNode> rows = new ArrayList<>();
        for (JsonNode row : fixture(mapper, "postgrest-batches-page.json")) {
            rows.add((ObjectNode) row);
        }
        for (String webhook : List.of("webhook-batches-update.json", "webhook-notes-delete.json",
                "webhook-notes-insert.json", "webhook-notes-update.json")) {
            JsonNode body = fixture(mapper, webhook);
            for (String field : List.of("record", "old_record")) {
                if (body.get(field) instanceof ObjectNode row) {
                    rows.add(row);
                }
            }
        }
        assertTrue(rows.size() >= 6, "fixtures read: " + rows.size());
        for (ObjectNode row : rows) {
            assertSameAsConvertValue(mapper, row, row.toString());
        }
    }

    @Test
    void typesTheValuesAsTheEventModelExpects() throws IOException {
        Map<String, Object> row = JsonRows.toMap((ObjectNode) new ObjectMapper().readTree(
                "{\"id\": 7, \"big\": 2147483648, \"huge\": 9223372036854775808, \"d\": 1.5, \"s\": \"x\", \"b\": true, \"n\": null,"
                        + " \"o\": {\"k\": [1]}}"));
        assertInstanceOf(LinkedHashMap.class, row);
        assertEquals(List.of("id", "big", "huge", "d", "s", "b", "n", "o"), List.copyOf(row.keySet()));
        assertEquals(7, row.get("id"));
        assertEquals(2147483648L, row.get("big"));
        assertEquals(new BigInteger("9223372036854775808"), row.get("huge"));
        assertEquals(1.5d, row.get("d"));
        assertEquals(Boolean.TRUE, row.get("b"));
        assertTrue(row.containsKey("n") && row.get("n") == null);
        assertEquals(Map.of("k", List.of(1)), row.get("o"));
    }

    private static void assertSameAsConvertValue(ObjectMapper mapper, ObjectNode row, String json) {
        Map<String, Object> converted = JsonRows.toMap(row);
        @SuppressWarnings("unchecked")
        Map<String, Object> byPoll = mapper.convertValue(row, LinkedHashMap.class);
        Map<String, Object> byWebhook = mapper.convertValue(row, ROW);
        assertSame(byPoll, converted, "row", json);
        assertSame(byWebhook, converted, "row", json);
    }

    /** Equal values of the same classes, maps in the same key order, all the way down. */
    private static void assertSame(Object expected, Object actual, String path, String json) {
        String where = path + " of " + json;
        if (expected == null) {
            assertEquals(null, actual, where);
            return;
        }
        assertEquals(expected.getClass(), actual == null ? null : actual.getClass(), "class at " + where);
        if (expected instanceof Map<?, ?> e) {
            Map<?, ?> a = (Map<?, ?>) actual;
            assertEquals(List.copyOf(e.keySet()), List.copyOf(a.keySet()), "keys at " + where);
            for (Object key : e.keySet()) {
                assertTrue(a.containsKey(key), "key " + key + " at " + where);
                assertSame(e.get(key), a.get(key), path + "." + key, json);
            }
        } else if (expected instanceof List<?> e) {
            List<?> a = (List<?>) actual;
            assertEquals(e.size(), a.size(), "size at " + where);
            for (int i = 0; i < e.size(); i++) {
                assertSame(e.get(i), a.get(i), path + "[" + i + "]", json);
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }

    private static JsonNode fixture(ObjectMapper mapper, String name) throws IOException {
        try (InputStream in = JsonRowsTest.class.getResourceAsStream("/fixtures/" + name)) {
            return mapper.readTree(in);
        }
    }
}
