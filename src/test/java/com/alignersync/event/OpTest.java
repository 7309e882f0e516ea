package com.alignersync.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpTest {

    @Test
    void everyOperationIsFoundByItsDebeziumCode() {
        for (Op op : Op.values()) {
            assertEquals(op, Op.fromCode(op.code()));
        }
    }

    @Test
    void anUnknownOrMissingCodeNamesTheCodesItExpects() {
        String unknown = assertThrows(IllegalArgumentException.class, () -> Op.fromCode("t")).getMessage();
        assertTrue(unknown.contains("'t'") && unknown.contains("expected c, u, d or r"), unknown);
        String missing = assertThrows(IllegalArgumentException.class, () -> Op.fromCode(null)).getMessage();
        assertTrue(missing.contains("expected c, u, d or r"), missing);
    }
}
