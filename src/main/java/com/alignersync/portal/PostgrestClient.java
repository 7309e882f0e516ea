package com.alignersync.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * {@code GET <rest>/<table>?<query>} against Supabase's PostgREST, on the JDK's HTTP client.
 * The key always goes in {@code apikey}; only a legacy JWT key also goes in
 * {@code Authorization: Bearer} (an {@code sb_secret_...} key is not a JWT and PostgREST
 * would refuse it there).
 */
public final class PostgrestClient {

    private static final Pattern JWT = Pattern.compile("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$");

    private final URI restUrl;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper mapper;

    /** @param restUrl the PostgREST base, e.g. {@code https://<ref>.supabase.co/rest/v1} */
    public PostgrestClient(URI restUrl, String apiKey, Duration timeout, ObjectMapper mapper) {
        String base = restUrl.toString();
        this.restUrl = URI.create(base.endsWith("/") ? base : base + "/");
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.mapper = mapper;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A legacy Supabase key (anon, service_role) is a JWT: three base64url parts. */
    static boolean looksLikeJwt(String key) {
        return key != null && !key.startsWith("sb_") && JWT.matcher(key).matches();
    }

    /**
     * One answer: the rows and the portal's clock when it answered.
     *
     * @param serverTime the HTTP {@code Date} header (second precision), null when absent or unreadable
     * @param total      only from {@link #fetchCounted}: PostgREST's exact count of every row the query's
     *                   filters match, limit aside (the number after {@code /} in {@code Content-Range});
     *                   null when not asked for or not given. It runs under the same row-level security as
     *                   the rows: a key that sees no row counts 0
     */
    public record Response(JsonNode rows, Instant serverTime, Long total) {
    }

    /**
     * @param query the already-encoded query string, without {@code ?}
     * @return the JSON array of rows
     */
    public JsonNode get(String table, String query) throws PostgrestException {
        return fetch(table, query).rows();
    }

    /** As {@link #get}, with the portal's clock from the answer's {@code Date} header (the poller's cursor bound). */
    public Response fetch(String table, String query) throws PostgrestException {
        return fetch(table, query, false);
    }

    /**
     * As {@link #fetch}, also asking PostgREST for its exact count ({@code Prefer: count=exact}) of
     * every row the filters match. Costs the portal a {@code count(*)} of them: ask on a first page only.
     */
    public Response fetchCounted(String table, String query) throws PostgrestException {
        return fetch(table, query, true);
    }

    private Response fetch(String table, String query, boolean count) throws PostgrestException {
        HttpRequest.Builder request = HttpRequest.newBuilder(restUrl.resolve(table + "?" + query))
                .timeout(timeout)
                .header("apikey", apiKey)
                .header("Accept", "application/json")
                .GET();
        if (count) {
            request.header("Prefer", "count=exact");
        }
        if (looksLikeJwt(apiKey)) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new PostgrestException(0, null, "GET " + table + " timed out after " + timeout.toMillis() + " ms", null, null, e);
        } catch (ConnectException e) {
            throw new PostgrestException(0, null, "cannot connect to " + restUrl.getHost() + ": " + e, null, null, e);
        } catch (IOException e) {
            throw new PostgrestException(0, null, "GET " + table + " failed: " + e, null, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostgrestException(0, null, "GET " + table + " interrupted", null, null, e);
        }
        JsonNode body = parse(response.body());
        Long total = count ? total(response) : null;
        if (count && response.statusCode() == 416 && total != null && total == 0) {
            // PostgREST 11.2 answered a counted request on an empty result 416 "Requested range not
            // satisfiable" with Content-Range */0 (PostgREST issue #3078): an empty answer, not an error.
            return new Response(mapper.createArrayNode(), serverTime(response), 0L);
        }
        if (response.statusCode() / 100 != 2) {
            throw error(table, response.statusCode(), body, response.body());
        }
        if (body == null || !body.isArray()) {
            throw new PostgrestException(response.statusCode(), null, "GET " + table + " answered " + response.statusCode()
                    + " without a JSON array of rows", null, null, null);
        }
        return new Response(body, serverTime(response), total);
    }

    /** The total of {@code Content-Range: 0-24/25} or {@code *}{@code /0}; null for {@code /*} (not counted), absent or unreadable. */
    static Long total(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Range").map(range -> {
            int slash = range.lastIndexOf('/');
            try {
                return slash < 0 ? null : Long.valueOf(range.substring(slash + 1).trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
    }

    private static Instant serverTime(HttpResponse<?> response) {
        return response.headers().firstValue("Date").map(date -> {
            try {
                return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }).orElse(null);
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static PostgrestException error(String table, int status, JsonNode body, byte[] raw) {
        if (body != null && body.isObject()) {
            String message = text(body, "message");
            return new PostgrestException(status, text(body, "code"),
                    message != null ? message : "GET " + table + " answered " + status,
                    text(body, "details"), text(body, "hint"), null);
        }
        // A gateway's HTML or plain text: the status says enough; never echo a whole page.
        String snippet = new String(raw, 0, Math.min(raw.length, 200), java.nio.charset.StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        return new PostgrestException(status, null, "GET " + table + " answered " + status
                + (snippet.isBlank() ? "" : ": " + snippet), null, null, null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
