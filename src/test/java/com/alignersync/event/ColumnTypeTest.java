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
    void theHandReadShapesAgreeWithTheFormatterAndLeaveTheRestToIt() {
        for (String text : new String[] {
                "2026-11-20T09:14:03.512844+00:00", "2026-11-20 09:14:03.512844+00", "2026-11-20T09:14:03.512844Z",
                "2026-11-20t09:14:03.5z", "2026-11-20T09:14:03-03:30", "2026-11-20T09:14:03.123456789-12", " 2026-11-20T09:14:03Z ",
                "2026-02-28T23:59:59.999999+14:00", "1970-01-01T00:00:00Z"}) {
            assertEquals(java.time.OffsetDateTime.parse(text.trim().replace(' ', 'T').replace('t', 'T').replace('z', 'Z')
                    .replaceAll("([+-]\\d\\d)$", "$1:00")).toInstant().truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                    ColumnType.isoInstant(text), text);
        }
        for (String text : new String[] {
                "2026-02-30T09:14:03Z", "2026-11-20T24:00:00Z", "2026-11-20T09:14Z", "2026-11-20T09:14:03.Z", "2026-11-20T09:14:03+0100",
                "2026-11-20T09:14:03+01:00:00", "2026-11-20T09:14:03.1234567890Z", "+2026-11-20T09:14:03Z", "2026-11-20T09:14:03 UTC"}) {
            assertEquals(null, ColumnType.isoInstant(text), text);
        }
        // What the hand reader leaves goes to the formatter, unchanged (its smart resolver turns Feb 30 into Feb 28).
        assertEquals(Instant.parse("2026-02-28T09:14:03Z"), ColumnType.TIMESTAMP.canonical("2026-02-30T09:14:03Z"));
        assertThrows(IllegalArgumentException.class, () -> ColumnType.TIMESTAMP.canonical("2026-11-20T09:14:03 UTC"));
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
