package com.alignersync.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every answer of the HTTP surface is JSON, errors included: {@code {error, status, message, field?}},
 * always with {@code Cache-Control: no-store}.
 */
public final class JsonResponses {

    public static final String JSON = "application/json";

    // Configured once, never changed: safe to share between request threads.
    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private JsonResponses() {
    }

    public static void send(Context ctx, int status, Object body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response is not serializable: " + e.getOriginalMessage(), e);
        }
        // Answers carry note ids, versions, hosts and paths: no proxy or browser may keep a copy.
        ctx.header("Cache-Control", "no-store");
        ctx.status(status).contentType(JSON).result(bytes);
    }

    /**
     * @param error stable machine-readable code, e.g. {@code unauthorized}
     * @param field the offending field, or null
     */
    public static void error(Context ctx, int status, String error, String message, String field) {
        send(ctx, status, errorBody(status, error, message, field));
    }

    public static Map<String, Object> errorBody(int status, String error, String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("status", status);
        if (field != null) {
            body.put("field", field);
        }
        body.put("message", message);
        return body;
    }
}
