package com.alignersync.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ColumnTypeTest {

    private static final Instant EDIT = Instant.parse("2026-11-20T09:14:03.512844Z");

    @Test
    void timestampsInEveryShapeTheInputsSendAreTheSameInstant() {
        for (Object raw : new Object[] {
                "2026-11-20T09:14:03.512844+00:00", "2026-11-20 09:14:03.512844+00", "2026-11-20T09:14:03.512844Z",
                "2026-11-20T10:14:03.512844+01:00", "2026-11-20T09:14:03.512844", ChangeEvents.toMicros(EDIT)}) {
            assertEquals(EDIT, ColumnType.TIMESTAMP.canonical(raw), String.valueOf(raw));
        }
    }

    @Test
    void nanosecondsAreCutToPostgresMicroseconds() {
        assertEquals(EDIT, ColumnType.TIMESTAMP.canonical("2026-11-20T09:14:03.512844999Z"));
    }

    @Test
    void integersAcceptWholeNumbersOnly() {
        assertEquals(14L, ColumnType.INTEGER.canonical(14));
        assertEquals(14L, ColumnType.INTEGER.canonical(14.0));
        assertThrows(IllegalArgumentException.class, () -> ColumnType.INTEGER.canonical(14.5));
        assertThrows(IllegalArgumentException.class, () -> ColumnType.INTEGER.canonical("14"));
        assertThrows(IllegalArgumentException.class, () -> ColumnType.INTEGER.canonical(true));
    }

    @Test
    void booleansAndTextAreStrict() {
        assertThrows(IllegalArgumentException.class, () -> ColumnType.BOOLEAN.canonical("true"));
        assertThrows(IllegalArgumentException.class, () -> ColumnType.TEXT.canonical(5));
    }

    @Test
    void datesFromTextAndFromDebeziumEpochDays() {
        assertEquals(LocalDate.of(2026, 11, 20), ColumnType.DATE.canonical("2026-11-20"));
        assertEquals(LocalDate.of(2026, 11, 20), ColumnType.DATE.canonical((int) LocalDate.of(2026, 11, 20).toEpochDay()));
    }
}
