package com.alignersync.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alignersync.event.Row;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verify's datetime comparison: what a datetime column gives back is the portal's value, anything further is drift. */
class ClinicRowsTest {

    private static final Instant PORTAL = Instant.parse("2026-11-26T10:00:00.001668Z");

    @Test
    void aValueReadBackAtMillisecondOrTickPrecisionIsTheSameEvenAcrossATickBoundary() {
        // 1.6668 ms lies past the 1/300 s rounding boundary (1.6667 ms); H2 keeps 1 ms of it.
        assertEquals(List.of(), differences(PORTAL, PORTAL.truncatedTo(ChronoUnit.MILLIS)));
        assertEquals(List.of(), differences(PORTAL, Instant.parse("2026-11-26T10:00:00.003Z")), "SQL Server's tick .003");
        assertEquals(List.of(), differences(null, null));
    }

    @Test
    void aDifferentEditTimeOrAMissingOneIsDrift() {
        assertEquals(List.of("EditedAt"), differences(PORTAL, PORTAL.plusMillis(4)));
        assertEquals(List.of("EditedAt"), differences(PORTAL, null));
    }

    /** Verify once called values less than a tick apart equal, while the writer compared ticks and wrote. */
    @Test
    void anEditTimeOneSqlServerTickOffIsDriftThoughLessThanATickApart() {
        assertEquals(List.of("EditedAt"), differences(Instant.parse("2026-11-26T10:00:00.000Z"), Instant.parse("2026-11-26T10:00:00.003Z")));
    }

    private static List<String> differences(Instant portalEditedAt, Instant clinicEditedAt) {
        Map<String, Object> values = new HashMap<>();
        values.put("aligner_set_id", 7L);
        values.put("note_text", "text");
        values.put("is_edited", true);
        values.put("edited_at", portalEditedAt);
        values.put("is_read", false);
        return ClinicRows.noteDifferences(new Row(values), new ClinicRows.Note(1, 7, "text", true, clinicEditedAt, false));
    }
}
