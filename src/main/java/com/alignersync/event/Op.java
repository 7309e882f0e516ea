package com.alignersync.event;

import java.util.Arrays;

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

    public static Op fromCode(String code) {
        return Arrays.stream(values())
                .filter(op -> op.code.equals(code))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown operation code '" + code + "' (expected c, u, d or r)"));
    }
}
