package com.alignersync.event;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable source row holding canonical values (see {@link ColumnType}); a column that
 * is absent differs from one that is present and null.
 */
public record Row(Map<String, Object> values) {

    public Row {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public boolean has(String column) {
        return values.containsKey(column);
    }

    public Object get(String column) {
        return values.get(column);
    }

    public Long integer(String column) {
        return (Long) values.get(column);
    }

    public String text(String column) {
        return (String) values.get(column);
    }

    public Boolean bool(String column) {
        return (Boolean) values.get(column);
    }

    public Instant timestamp(String column) {
        return (Instant) values.get(column);
    }
}
