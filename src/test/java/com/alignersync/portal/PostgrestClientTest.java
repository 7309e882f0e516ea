package com.alignersync.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST client's wire behaviour: headers per key kind, errors surfaced, timeouts, query encoding. */
class PostgrestClientTest {

    private static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";

    HttpServer server;
    final Map<String, String> seen = new ConcurrentHashMap<>();
    volatile int status = 200;
    volatile String body = "[]";
    volatile long delayMillis;
    volatile String contentRange;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.put("path", exchange.getRequestURI().getRawPath());
            seen.put("query", exchange.getRequestURI().getRawQuery());
            seen.put("apikey", String.valueOf(exchange.getRequestHeaders().getFirst("apikey")));
            seen.put("authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            seen.put("prefer", String.valueOf(exchange.getRequestHeaders().getFirst("Prefer")));
            if (contentRange != null) {
                exchange.getResponseHeaders().set("Content-Range", contentRange);
            }
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            try {
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (java.io.IOException ignored) {
                // client gone
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private PostgrestClient client(String key, Duration timeout) {
        return new PostgrestClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/rest/v1"), key, timeout, new ObjectMapper());
    }

    @Test
    void aSecretKeyGoesOnlyInApikeyNeverInBearer() throws Exception {
        client("sb_secret_abc123", Duration.ofSeconds(5)).get("aligner_batches", "select=days");
        assertEquals("sb_secret_abc123", seen.get("apikey"));
        assertEquals("null", seen.get("authorization"));
        assertEquals("/rest/v1/aligner_batches", seen.get("path"));
    }

    @Test
    void aLegacyJwtKeyGoesInApikeyAndBearer() throws Exception {
        client(JWT, Duration.ofSeconds(5)).get("aligner_batches", "select=days");
        assertEquals(JWT, seen.get("apikey"));
        assertEquals("Bearer " + JWT, seen.get("authorization"));
        assertTrue(PostgrestClient.looksLikeJwt(JWT));
        assertFalse(PostgrestClient.looksLikeJwt("sb_secret_a.b.c"), "an sb_ key is never a JWT, even with dots");
    }

    @Test
    void aCountedFetchAsksForTheExactCountAndReadsItFromContentRange() throws Exception {
        status = 206;
        body = "[{\"note_id\":1}]";
        contentRange = "0-0/25";
        PostgrestClient.Response page = client("sb_secret_k", Duration.ofSeconds(5)).fetchCounted("aligner_notes", "select=note_id&limit=1");
        assertEquals("count=exact", seen.get("prefer"));
        assertEquals(25L, page.total());
        assertEquals(1, page.rows().size());

        status = 200;
        body = "[]";
        contentRange = "*/0";
        assertEquals(0L, client("sb_secret_k", Duration.ofSeconds(5)).fetchCounted("aligner_notes", "select=note_id").total());

        contentRange = "*/*";
        assertNull(client("sb_secret_k", Duration.ofSeconds(5)).fetchCounted("aligner_notes", "select=note_id").total(), "not counted");
        PostgrestClient.Response plain = client("sb_secret_k", Duration.ofSeconds(5)).fetch("aligner_notes", "select=note_id");
        assertEquals("null", seen.get("prefer"), "a page without a count costs the portal no count(*)");
        assertNull(plain.total());
    }

    @Test
    void aCountedEmptyAnswerOfPostgrest11sRangeNotSatisfiableIsAnEmptyListCountedZero() throws Exception {
        status = 416;
        body = "{\"code\":\"PGRST103\",\"details\":\"An offset of 0 was requested, but there are only 0 rows.\",\"hint\":null,"
                + "\"message\":\"Requested range not satisfiable\"}";
        contentRange = "*/0";
        PostgrestClient.Response empty = client("sb_secret_k", Duration.ofSeconds(5)).fetchCounted("aligner_notes", "select=note_id&limit=10");
        assertEquals(0, empty.rows().size());
        assertEquals(0L, empty.total());

        assertThrows(PostgrestException.class, () -> client("sb_secret_k", Duration.ofSeconds(5)).fetch("aligner_notes", "select=note_id"),
                "without a count, a 416 stays an error");
    }

    @Test
    void postgrestJsonErrorsAreSurfacedWithCodeMessageAndHint() {
        status = 400;
        body = "{\"code\":\"PGRST100\",\"details\":\"unexpected 'x'\",\"hint\":\"check the filter\",\"message\":\"failed to parse filter\"}";
        PostgrestException e = assertThrows(PostgrestException.class, () -> client("sb_secret_k", Duration.ofSeconds(5)).get("t", "a=b"));
        assertEquals(400, e.status());
        assertEquals("PGRST100", e.code());
        assertEquals("check the filter", e.hint());
        assertEquals("HTTP 400 PGRST100: failed to parse filter (hint: check the filter)", e.describe());
    }

    @Test
    void aNonJsonGatewayErrorKeepsItsStatus() {
        status = 502;
        body = "<html><body>Bad Gateway</body></html>";
        PostgrestException e = assertThrows(PostgrestException.class, () -> client("sb_secret_k", Duration.ofSeconds(5)).get("t", "a=b"));
        assertEquals(502, e.status());
        assertNull(e.code());
        assertTrue(e.getMessage().contains("502"), e.getMessage());
    }

    @Test
    void aSlowAnswerTimesOut() {
        delayMillis = 1_000;
        PostgrestException e = assertThrows(PostgrestException.class, () -> client("sb_secret_k", Duration.ofMillis(200)).get("t", "a=b"));
        assertEquals(0, e.status());
        assertTrue(e.getMessage().contains("timed out after 200 ms"), e.getMessage());
    }

    @Test
    void anUnreachableServerIsAnErrorWithoutStatus() {
        server.stop(0);
        PostgrestException e = assertThrows(PostgrestException.class, () -> client("sb_secret_k", Duration.ofSeconds(2)).get("t", "a=b"));
        assertEquals(0, e.status());
    }
}
