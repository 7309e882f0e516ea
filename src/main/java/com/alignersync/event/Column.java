package com.alignersync.event;

/**
 * One source column as the daemon reads it.
 *
 * @param required  an after-row must contain it (as a JSON key), so a partial row is refused
 *                  instead of being written as if the column were null
 * @param nullable  its value may be null
 */
public record Column(String name, ColumnType type, boolean required, boolean nullable) {

    static Column required(String name, ColumnType type) {
        return new Column(name, type, true, false);
    }

    static Column requiredNullable(String name, ColumnType type) {
        return new Column(name, type, true, true);
    }

    static Column optional(String name, ColumnType type) {
        return new Column(name, type, false, true);
    }
}
