package com.alignersync.portal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A REST request that did not return rows: PostgREST's JSON error ({@code code},
 * {@code message}, {@code details}, {@code hint}), another HTTP status, a timeout or no
 * connection. Nothing was read; the poll stops and keeps its cursors.
 *
 * @see #status() 0 when no HTTP answer came (timeout, connection refused)
 */
public class PostgrestException extends Exception {

    private final int status;
    private final String code;
    private final String hint;
    private final String details;

    public PostgrestException(int status, String code, String message, String details, String hint, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.details = details;
        this.hint = hint;
    }

    public int status() {
        return status;
    }

    /** PostgREST's or Postgres' error code, e.g. {@code PGRST100}, {@code 42703}; null if the body had none. */
    public String code() {
        return code;
    }

    public String hint() {
        return hint;
    }

    public String details() {
        return details;
    }

    /** One line for logs and status: status, code, message, hint. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append(status == 0 ? "no HTTP answer" : "HTTP " + status);
        if (code != null) {
            out.append(" ").append(code);
        }
        out.append(": ").append(getMessage());
        if (hint != null) {
            out.append(" (hint: ").append(hint).append(")");
        }
        return out.toString();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("status", status);
        map.put("code", code);
        map.put("message", getMessage());
        map.put("details", details);
        map.put("hint", hint);
        return map;
    }
}
