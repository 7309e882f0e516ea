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

    @Test
    void timesAreWrittenInTheConfiguredZone() {
        ClinicDatetime berlin = new ClinicDatetime(ZoneId.of("Europe/Berlin"));
        Instant edit = Instant.parse("2026-11-20T09:14:03Z");
        assertEquals(LocalDateTime.parse("2026-11-20T10:14:03"), berlin.toColumn(edit));
        assertEquals(edit, berlin.fromColumn(berlin.toColumn(edit)));
    }
}
