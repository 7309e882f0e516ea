package com.alignersync.ops;

import java.util.Map;

/** Reading the status report, a tree of maps as {@code status --json} prints it, by path. */
final class StatusReading {

    private StatusReading() {
    }

    /** The running daemon's own {@code /api/sync/status}, or null when it did not answer. */
    static Map<?, ?> liveStatus(Map<String, Object> report) {
        return "reachable".equals(text(at(report, "daemon", "live", "state"))) ? map(at(report, "daemon", "live", "status")) : null;
    }

    static Object at(Object root, String... path) {
        Object current = root;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> m ? m : null;
    }

    static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    static String orDash(Object value) {
        return value == null ? "-" : String.valueOf(value);
    }
}
