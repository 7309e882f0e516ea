package com.alignersync.event;

/** A closed vocabulary of change operations, with Debezium's one-letter codes. */
public enum Op {
    CREATE("c"),
    UPDATE("u"),
    DELETE("d"),
    /** A row read by a snapshot or a poll: its state, not a delta. */
    READ("r");

    private final String code;

    Op(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** Called once per CDC record: a switch, not a stream over {@link #values()} (JFR: 3 % of the CDC handler). */
    public static Op fromCode(String code) {
        return switch (code == null ? "" : code) {
            case "c" -> CREATE;
            case "u" -> UPDATE;
            case "d" -> DELETE;
            case "r" -> READ;
            default -> throw new IllegalArgumentException("unknown operation code '" + code + "' (expected c, u, d or r)");
        };
    }
}
