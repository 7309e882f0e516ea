package com.alignersync.sink;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** Verify's datetime comparison: what a datetime column gives back is the portal's value, anything further is drift. */
class ClinicRowsTest {

    @Test
    void aValueReadBackAtMillisecondOrTickPrecisionIsTheSameEvenAcrossATickBoundary() {
        // 1.6668 ms lies past the 1/300 s rounding boundary (1.6667 ms); H2 keeps 1 ms of it.
        Instant portal = Instant.parse("2026-11-26T10:00:00.001668Z");
        assertTrue(ClinicRows.withinOneTick(portal, portal.truncatedTo(ChronoUnit.MILLIS)));
        assertTrue(ClinicRows.withinOneTick(portal, Instant.parse("2026-11-26T10:00:00.003Z")), "SQL Server's tick .003");
        assertTrue(ClinicRows.withinOneTick(null, null));
    }

    @Test
    void aDifferentEditTimeOrAMissingOneIsDrift() {
        Instant portal = Instant.parse("2026-11-26T10:00:00.001668Z");
        assertFalse(ClinicRows.withinOneTick(portal, portal.plusMillis(4)));
        assertFalse(ClinicRows.withinOneTick(portal, null));
    }
}
