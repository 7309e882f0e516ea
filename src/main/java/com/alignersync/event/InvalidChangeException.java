package com.alignersync.event;

/** A raw change that can never become an event: missing key, wrong type, unknown table, a value out of range. */
public class InvalidChangeException extends IllegalArgumentException {

    private final String field;
    private final boolean outOfRange;

    public InvalidChangeException(String field, String message) {
        this(field, message, false);
    }

    private InvalidChangeException(String field, String message, boolean outOfRange) {
        super(field + ": " + message);
        this.field = field;
        this.outOfRange = outOfRange;
    }

    /** A value of the right type that the daemon cannot carry, e.g. a timestamp in the year 300000. */
    public static InvalidChangeException outOfRange(String field, String message) {
        return new InvalidChangeException(field, message, true);
    }

    /** The offending field, e.g. {@code record.note_id}, for error bodies. */
    public String field() {
        return field;
    }

    /**
     * True when the value was well-formed but outside what the daemon accepts: a webhook answers
     * that 422 (the body is understood, the row cannot apply), a malformed value 400.
     */
    public boolean outOfRange() {
        return outOfRange;
    }
}
