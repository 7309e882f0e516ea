package com.alignersync.source.poll.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.support.PortalPostgres;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fake server against PostgREST's documented behaviour (postgrest.org "Tables and Views",
 * "Errors"; Supabase's max-rows), independently of the poller: what it answers is what the
 * poller's tests rely on.
 */
class FakePostgrestTest {

    static PortalPostgres portal;
    static FakePostgrest rest;
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper mapper = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        portal = PortalPostgres.start();
        rest = FakePostgrest.start(portal.dataSource(), PollFixture.KEY);
        // The fixture page: two rows sharing one updated_at.
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days, created_at, updated_at) VALUES"
                + " (12044, 3187, 10, '2026-10-02T07:00:00+00:00', '2026-11-21T16:45:09.781223+00:00'),"
                + " (12051, 3190, 7, '2026-10-05T07:00:00+00:00', '2026-11-21T16:45:09.781223+00:00'),"
                + " (12060, 3190, NULL, '2026-10-05T07:00:00+00:00', '2026-11-22T08:00:00+00:00')");
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days, updated_at)"
                + " SELECT g, 1, 14, '2026-01-01T00:00:00Z' FROM generate_series(1, 1500) g");
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES"
                + " (1, 7, 'Doctor', 'a,b (c) \"d\"'), (2, 7, 'Lab', 'plain')");
    }

    @AfterAll
    static void stop() throws Exception {
        rest.close();
        portal.close();
    }

    record Reply(int status, JsonNode body, String contentRange) {
    }

    /** @param query decoded name=value pairs, encoded here as a careful client would */
    static Reply getWithKey(String table, String key, String... query) throws Exception {
        return send(table, key, null, query);
    }

    static Reply send(String table, String key, String prefer, String... query) throws Exception {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < query.length; i += 2) {
            pairs.add(query[i] + "=" + URLEncoder.encode(query[i + 1], StandardCharsets.UTF_8).replace("+", "%20"));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(rest.restUrl() + "/" + table + "?" + String.join("&", pairs)));
        if (key != null) {
            request.header("apikey", key);
        }
        if (prefer != null) {
            request.header("Prefer", prefer);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), mapper.readTree(response.body()), response.headers().firstValue("Content-Range").orElse(null));
    }

    static Reply get(String table, String... query) throws Exception {
        return getWithKey(table, PollFixture.KEY, query);
    }

    static List<Long> ids(Reply reply, String column) {
        List<Long> ids = new ArrayList<>();
        reply.body().forEach(row -> ids.add(row.get(column).asLong()));
        return ids;
    }

    @Test
    void preferCountExactAnswersEveryMatchingRowInContentRangeWhateverTheLimit() throws Exception {
        Reply page = send("aligner_batches", PollFixture.KEY, "count=exact", "select", "aligner_batch_id", "order", "aligner_batch_id.asc",
                "limit", "25");
        assertEquals(206, page.status(), "a page of a larger counted result is partial content");
        assertEquals("0-24/1503", page.contentRange());

        Reply filtered = send("aligner_batches", PollFixture.KEY, "count=exact", "select", "aligner_batch_id", "aligner_set_id", "eq.3190");
        assertEquals(200, filtered.status(), "every counted row is in the answer");
        assertEquals("0-1/2", filtered.contentRange(), "the count respects the filters");

        Reply none = send("aligner_batches", PollFixture.KEY, "count=exact", "select", "aligner_batch_id", "aligner_batch_id", "eq.999999");
        assertEquals(200, none.status());
        assertEquals("*/0", none.contentRange());
        assertEquals(0, none.body().size());
    }

    @Test
    void hiddenRowsAnswerAnEmptyListAndACountOfZeroAsRowLevelSecurityDoes() throws Exception {
        rest.hideRows(true);
        try {
            Reply blind = send("aligner_notes", PollFixture.KEY, "count=exact", "select", "note_id");
            assertEquals(200, blind.status());
            assertEquals(0, blind.body().size());
            assertEquals("*/0", blind.contentRange());
        } finally {
            rest.hideRows(false);
        }
        assertEquals(2, get("aligner_notes", "select", "note_id").body().size());
    }

    @Test
    void answersTheFixturePageExactlyAsPostgrestDoes() throws Exception {
        Reply reply = get("aligner_batches", "select", "aligner_batch_id,aligner_set_id,days,created_at,updated_at",
                "aligner_batch_id", "in.(12044,12051)", "order", "updated_at.asc,aligner_batch_id.asc");
        assertEquals(200, reply.status());
        JsonNode fixture = mapper.readTree(PortalPostgres.resource("/fixtures/postgrest-batches-page.json"));
        assertEquals(fixture, reply.body(), "same columns, order, number and timestamp format as the fixture");
        assertEquals("0-1/*", reply.contentRange());
    }

    @Test
    void keysetOrWithNestedAndAndQuotedTimestampsReturnsOnlyRowsAfterThePosition() throws Exception {
        String t = "\"2026-11-21T16:45:09.781223+00:00\"";
        Reply reply = get("aligner_batches", "select", "aligner_batch_id",
                "or", "(updated_at.gt." + t + ",and(updated_at.eq." + t + ",aligner_batch_id.gt.12044))",
                "order", "updated_at.asc,aligner_batch_id.asc");
        assertEquals(List.of(12051L, 12060L), ids(reply, "aligner_batch_id"));
    }

    @Test
    void quotedValuesInALogicTreeMayHoldCommasParenthesesAndEscapedQuotes() throws Exception {
        Reply reply = get("aligner_notes", "select", "note_id", "or", "(note_text.eq.\"a,b (c) \\\"d\\\"\",note_id.eq.99)");
        assertEquals(List.of(1L), ids(reply, "note_id"));
    }

    @Test
    void columnOperatorsFilterAsDocumented() throws Exception {
        assertEquals(List.of(12044L, 12051L), ids(get("aligner_batches", "select", "aligner_batch_id", "aligner_set_id", "gte.3187",
                "days", "lt.11", "order", "aligner_batch_id.asc"), "aligner_batch_id"));
        assertEquals(List.of(12060L), ids(get("aligner_batches", "select", "aligner_batch_id", "days", "is.null"), "aligner_batch_id"));
        assertEquals(List.of(12044L), ids(get("aligner_batches", "select", "aligner_batch_id", "aligner_set_id", "gt.3000",
                "days", "not.is.null", "days", "neq.7"), "aligner_batch_id"));
        assertEquals(List.of(2L), ids(get("aligner_notes", "select", "note_id", "note_type", "eq.Lab"), "note_id"));
        assertEquals(List.of(1L), ids(get("aligner_notes", "select", "note_id", "note_id", "not.in.(2,3)"), "note_id"));
    }

    @Test
    void orderTakesSeveralColumnsEachWithItsDirection() throws Exception {
        Reply reply = get("aligner_batches", "select", "aligner_batch_id", "aligner_set_id", "gt.3000",
                "order", "days.desc.nullslast,aligner_batch_id.asc");
        assertEquals(List.of(12044L, 12051L, 12060L), ids(reply, "aligner_batch_id"));
    }

    @Test
    void aResponseIsCappedAtMaxRowsWhateverLimitSaysAndOffsetPagesOn() throws Exception {
        Reply first = get("aligner_batches", "select", "aligner_batch_id", "order", "aligner_batch_id.asc", "limit", "5000");
        assertEquals(1000, first.body().size(), "Supabase's default max-rows");
        assertEquals("0-999/*", first.contentRange());
        Reply rest2 = get("aligner_batches", "select", "aligner_batch_id", "order", "aligner_batch_id.asc", "limit", "5000", "offset", "1000");
        assertEquals(503, rest2.body().size());
        assertEquals(3, get("aligner_batches", "select", "aligner_batch_id", "limit", "3").body().size(), "a smaller limit is honoured");
        assertEquals(0, get("aligner_batches", "select", "aligner_batch_id", "aligner_batch_id", "eq.999999").body().size());
    }

    @Test
    void anUnknownColumnIs400WithPostgresCode42703() throws Exception {
        Reply select = get("aligner_notes", "select", "note_id,updated_at");
        assertEquals(400, select.status());
        assertEquals("42703", select.body().get("code").asText());
        assertEquals("column aligner_notes.updated_at does not exist", select.body().get("message").asText());
        assertEquals(400, get("aligner_notes", "nope", "eq.1").status());
    }

    @Test
    void aMalformedQueryIs400Pgrst100WithTheJsonErrorShape() throws Exception {
        for (String[] query : List.of(new String[] {"days", "almost.10"}, new String[] {"or", "(days.gt.1"},
                new String[] {"limit", "many"}, new String[] {"order", "days.sideways"})) {
            Reply reply = get("aligner_batches", query);
            assertEquals(400, reply.status(), String.join("=", query));
            assertEquals("PGRST100", reply.body().get("code").asText());
            assertTrue(reply.body().has("message") && reply.body().has("details") && reply.body().has("hint"));
        }
    }

    @Test
    void aValueOfTheWrongTypeIsPostgres22P02() throws Exception {
        Reply reply = get("aligner_batches", "days", "eq.ten");
        assertEquals(400, reply.status());
        assertEquals("22P02", reply.body().get("code").asText());
    }

    @Test
    void anUnknownTableIs404() throws Exception {
        Reply reply = get("aligner_nope", "select", "*");
        assertEquals(404, reply.status());
        assertEquals("PGRST205", reply.body().get("code").asText());
    }

    @Test
    void withoutTheRightApikeyTheAnswerIs401() throws Exception {
        Reply none = getWithKey("aligner_batches", null, "select", "*");
        assertEquals(401, none.status());
        assertEquals("No API key found in request", none.body().get("message").asText());
        Reply wrong = getWithKey("aligner_batches", "sb_secret_wrong", "select", "*");
        assertEquals(401, wrong.status());
        assertEquals("Invalid API key", wrong.body().get("message").asText());
    }

    @Test
    void aNonJwtBearerTokenIsRefused() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(rest.restUrl() + "/aligner_batches?limit=1"))
                .header("apikey", PollFixture.KEY).header("Authorization", "Bearer " + PollFixture.KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode());
        assertEquals("PGRST301", mapper.readTree(response.body()).get("code").asText());
    }
}
