package com.alignersync.event;

/** A raw change that can never become an event: missing key, wrong type, unknown table. */
public class InvalidChangeException extends IllegalArgumentException {

    private final String field;

    public InvalidChangeException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The offending field, e.g. {@code record.note_id}, for error bodies. */
    public String field() {
        return field;
    }
}
