package com.alignersync.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ClinicDatetimeTest {

    @Test
    void portalMicrosecondsEqualTheValueSqlServerDatetimeKeeps() {
        // SQL Server datetime rounds .512844 to .513 (1/300 s ticks).
        assertTrue(ClinicDatetime.sameDatetime(Instant.parse("2026-11-20T09:14:03.512844Z"), Instant.parse("2026-11-20T09:14:03.513Z")));
        assertTrue(ClinicDatetime.sameDatetime(null, null));
    }

    @Test
    void aRealChangeIsStillSeen() {
        assertFalse(ClinicDatetime.sameDatetime(Instant.parse("2026-11-20T09:14:03.512844Z"), Instant.parse("2026-11-20T09:14:03.530Z")));
        assertFalse(ClinicDatetime.sameDatetime(Instant.parse("2026-11-20T09:14:03Z"), null));
    }

    /** The case where the writer and verify once disagreed: .000 and .003 are two SQL Server values, 3 ms apart. */
    @Test
    void neighbouringSqlServerTicksAreDifferentDatetimesThoughLessThanATickApart() {
        assertFalse(ClinicDatetime.sameDatetime(Instant.parse("2026-11-20T09:14:03.000Z"), Instant.parse("2026-11-20T09:14:03.003Z")));
        assertFalse(ClinicDatetime.sameDatetime(Instant.parse("2026-11-20T09:14:03.001668Z"), Instant.parse("2026-11-20T09:14:03Z")));
    }

    @Test
    void aMillisecondColumnsRoundingIsTheSameDatetimeEvenWhereItCrossesATickBoundary() {
        // H2 keeps .0049 as .005: SQL Server would put them in ticks 1 and 2, yet writing it again changes nothing.
        assertTrue(ClinicDatetime.sameDatetime(Instant.parse("2026-11-20T09:14:03.004900Z"), Instant.parse("2026-11-20T09:14:03.005Z")));
        assertTrue(ClinicDatetime.sameDatetime(Instant.parse("2026-11-20T09:14:03.001668Z"), Instant.parse("2026-11-20T09:14:03.001Z")));
    }

    @Test
    void sqlServersRoundingToDotZeroDotThreeAndDotSevenIsTheSameDatetime() {
        // What SQL Server documents for datetime: .990/.991 -> .990, .992-.994 -> .993, .995-.998 -> .997, .999 -> the next second.
        assertTrue(ClinicDatetime.sameDatetime(Instant.parse("2026-11-20T09:14:03.991Z"), Instant.parse("2026-11-20T09:14:03.990Z")));
        assertTrue(ClinicDatetime.sameDatetime(Instant.parse("2026-11-20T09:14:03.994Z"), Instant.parse("2026-11-20T09:14:03.993Z")));
        assertTrue(ClinicDatetime.sameDatetime(Instant.parse("2026-11-20T09:14:03.995Z"), Instant.parse("2026-11-20T09:14:03.997Z")));
        assertTrue(ClinicDatetime.sameDatetime(Instant.parse("2026-11-20T09:14:03.999Z"), Instant.parse("2026-11-20T09:14:04Z")));
        assertFalse(ClinicDatetime.sameDatetime(Instant.parse("2026-11-20T09:14:03.995Z"), Instant.parse("2026-11-20T09:14:03.993Z")));
    }

    @Test
    void timesAreWrittenInTheConfiguredZone() {
        ClinicDatetime berlin = new ClinicDatetime(ZoneId.of("Europe/Berlin"));
        Instant edit = Instant.parse("2026-11-20T09:14:03Z");
        assertEquals(LocalDateTime.parse("2026-11-20T10:14:03"), berlin.toColumn(edit));
        assertEquals(edit, berlin.fromColumn(berlin.toColumn(edit)));
    }
}
