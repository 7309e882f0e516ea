package com.alignersync.source.webhook;

import static com.alignersync.source.webhook.WebhookTestServer.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.alignersync.source.webhook.WebhookTestServer.Answer;
import com.alignersync.support.LogCapture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated webhook bodies over real HTTP: whatever a sender (or an attacker holding the secret)
 * posts is answered 2xx or 4xx, never 5xx, and never logged at ERROR, which is kept for the
 * daemon's own faults. The run is reproducible: {@code -Dwebhook.fuzz.seed=N} replays a seed
 * (a failure names it), {@code -Dwebhook.fuzz.bodies=N} posts more bodies.
 */
class WebhookFuzzTest {

    private static final long SEED = Long.getLong("webhook.fuzz.seed", 21L);
    private static final int BODIES = Integer.getInteger("webhook.fuzz.bodies", 1500);

    private static final List<String> FIXTURES = List.of("webhook-notes-insert.json", "webhook-notes-update.json",
            "webhook-notes-delete.json", "webhook-batches-update.json");
    private static final List<String> COLUMNS = List.of("note_id", "aligner_set_id", "note_type", "note_text", "created_at",
            "is_edited", "edited_at", "is_read", "updated_at", "aligner_batch_id", "days", "unknown_column");
    private static final List<String> TIMESTAMP_COLUMNS = List.of("created_at", "edited_at", "updated_at");
    private static final List<String> TOP_LEVEL = List.of("type", "table", "schema", "record", "old_record");

    /** Timestamps at and beyond every range in play: ISO years, epoch microseconds in a long, Instant, the calendar. */
    private static final List<String> EXTREME_TIMESTAMPS = List.of(
            "+999999999-12-31T23:59:59.999999999Z", "-999999999-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z",
            "+294248-01-01T00:00:00Z", "-290309-01-01T00:00:00+00:00", "+10000-01-01T00:00:00+00:00",
            "+275760-09-13T00:00:00Z", "0000-01-01 00:00:00+00", "0001-01-01T00:00:00-18:00", "9999-12-31T23:59:59.999999+00:00",
            "9999-12-31T23:59:59.999999-18:00", "1969-12-31T23:59:59.999999Z", "2026-02-30T00:00:00Z", "2026-11-20T24:00:00Z",
            "2026-11-20T09:14:03.512844+19:00", "2026-11-20T09:14:03.1234567891Z", "2026-11-20", "", " ", "infinity",
            "-infinity", "now", "2026-11-20T09:14:03.512844+00:00");

    /** Numbers at the edges of int, long, double and beyond, for ids, days and epoch-microsecond timestamps. */
    private static final List<Number> EXTREME_NUMBERS = List.of(
            Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, 0L, -1L, (long) Integer.MAX_VALUE + 1, (long) Integer.MIN_VALUE - 1,
            Integer.MAX_VALUE, Integer.MIN_VALUE, 0, -1, 1, BigInteger.TWO.pow(64), BigInteger.TWO.pow(64).negate(),
            BigInteger.TEN.pow(400), Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 1.5, -0.0, 9.0e15, 9.2e18, 1e19,
            new BigDecimal("1E+400"), new BigDecimal("0.000000000000000000001"));

    @TempDir
    Path dataDir;

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void everyFuzzedBodyIsAnsweredBelow500AndNothingIsLoggedAtError() throws Exception {
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        try (WebhookTestServer http = new WebhookTestServer(dataDir); LogCapture log = new LogCapture()) {
            for (int i = 0; i < BODIES; i++) {
                String body = mutatedBody(random);
                Answer answer = http.post(body);
                boolean twoOrFour = (answer.status() >= 200 && answer.status() < 300) || (answer.status() >= 400 && answer.status() < 500);
                if (!twoOrFour && failures.size() < 5) {
                    failures.add("body #" + i + ": " + body + "\n  answered " + answer);
                }
            }
            String replay = " (replay with -Dwebhook.fuzz.seed=" + SEED + " -Dwebhook.fuzz.bodies=" + BODIES + ")";
            assertEquals(List.of(), failures, "bodies answered outside 2xx/4xx" + replay);
            assertEquals(List.of(), log.atLeast(Level.ERROR), "ERROR lines while answering fuzzed bodies" + replay);
        }
    }

    private String mutatedBody(Random random) throws Exception {
        ObjectNode body = (ObjectNode) mapper.readTree(fixture(pick(random, FIXTURES)));
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            mutate(random, body);
        }
        String text = mapper.writeValueAsString(body);
        // Now and then the text itself is broken: cut short, or a byte changed.
        return switch (random.nextInt(20)) {
            case 0 -> text.substring(0, random.nextInt(text.length()));
            case 1 -> {
                char[] chars = text.toCharArray();
                chars[random.nextInt(chars.length)] = (char) random.nextInt(0x80);
                yield new String(chars);
            }
            default -> text;
        };
    }

    private void mutate(Random random, ObjectNode body) {
        int kind = random.nextInt(10);
        if (kind < 6) {
            // A column of record or old_record: most mutations, as that is where the values are.
            JsonNode side = body.get(random.nextBoolean() ? "record" : "old_record");
            if (!(side instanceof ObjectNode row)) {
                return;
            }
            String column = kind < 3 ? pick(random, TIMESTAMP_COLUMNS) : pick(random, COLUMNS);
            if (random.nextInt(8) == 0) {
                row.remove(column);
            } else {
                row.set(column, extremeValue(random, kind < 3));
            }
        } else if (kind < 9) {
            String field = pick(random, TOP_LEVEL);
            if (random.nextInt(4) == 0) {
                body.remove(field);
            } else {
                body.set(field, extremeValue(random, false));
            }
        } else {
            // A sensible but mismatched top level: another table or type for the same row.
            body.put("type", pick(random, List.of("INSERT", "UPDATE", "DELETE", "TRUNCATE", "insert")));
            body.put("table", pick(random, List.of("aligner_notes", "aligner_batches", "patients")));
        }
    }

    private static JsonNode extremeValue(Random random, boolean timestamp) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        int kind = random.nextInt(timestamp ? 4 : 10);
        if (kind < 2) {
            return json.textNode(pick(random, EXTREME_TIMESTAMPS));
        }
        if (kind < 4) {
            Number number = pick(random, EXTREME_NUMBERS);
            return number instanceof BigInteger big ? json.numberNode(big)
                    : number instanceof BigDecimal dec ? json.numberNode(dec)
                    : number instanceof Double d ? json.numberNode(d)
                    : number instanceof Integer n ? json.numberNode(n)
                    : json.numberNode(number.longValue());
        }
        return switch (kind) {
            case 4 -> json.nullNode();
            case 5 -> json.booleanNode(random.nextBoolean());
            case 6 -> json.textNode("x".repeat(random.nextInt(2) == 0 ? 0 : 20_000));
            case 7 -> json.textNode("\u0000\uD83D\uDE00\u202E'; DROP TABLE dbo.Notes;--");
            case 8 -> json.arrayNode().add(1).add("two");
            default -> json.objectNode().put("note_id", 1);
        };
    }

    private static <T> T pick(Random random, List<T> values) {
        assertTrue(!values.isEmpty());
        return values.get(random.nextInt(values.size()));
    }
}
