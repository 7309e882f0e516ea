package com.alignersync.source.poll;

import com.alignersync.state.PollState.StoredCursor;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A keyset position {@code (ts, key)} taken from a row the sink committed, never from the
 * local clock. Rows come in {@code order=ts.asc,key.asc}; the next page starts strictly after
 * the position.
 *
 * @param key null means "before every key at {@code ts}", so rows at exactly {@code ts} are
 *            read again (a start point, an upgraded timestamp-only watermark)
 */
public record KeysetCursor(Instant ts, Long key) implements Comparable<KeysetCursor> {

    private static final Comparator<KeysetCursor> ORDER = Comparator.comparing(KeysetCursor::ts)
            .thenComparing(KeysetCursor::key, Comparator.nullsFirst(Comparator.naturalOrder()));

    public KeysetCursor {
        if (ts == null) {
            throw new IllegalArgumentException("a cursor needs a timestamp");
        }
    }

    public static KeysetCursor startingAt(Instant ts) {
        return new KeysetCursor(ts, null);
    }

    @Override
    public int compareTo(KeysetCursor other) {
        return ORDER.compare(this, other);
    }

    public boolean isAfter(KeysetCursor other) {
        return compareTo(other) > 0;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("ts", ts.toString());
        map.put("key", key);
        return map;
    }

    public static KeysetCursor fromMap(Map<String, ?> map) {
        Object key = map.get("key");
        return new KeysetCursor(Instant.parse(String.valueOf(map.get("ts"))), key == null ? null : ((Number) key).longValue());
    }

    StoredCursor stored() {
        return new StoredCursor(ts, key);
    }

    static KeysetCursor of(StoredCursor stored) {
        return new KeysetCursor(stored.ts(), stored.key());
    }

    @Override
    public String toString() {
        return "(" + ts + ", " + (key == null ? "-" : key) + ")";
    }
}
