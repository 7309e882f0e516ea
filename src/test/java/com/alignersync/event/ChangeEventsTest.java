package com.alignersync.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeEventsTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private Map<String, Object> fixtureRow(String fixture, String field) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/fixtures/" + fixture)) {
            JsonNode node = mapper.readTree(in).get(field);
            @SuppressWarnings("unchecked")
            Map<String, Object> row = mapper.convertValue(node, HashMap.class);
            return row;
        }
    }

    @Test
    void versionIsUpdatedAtInMicroseconds() throws IOException {
        ChangeEvent event = ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.UPDATE,
                fixtureRow("webhook-notes-update.json", "old_record"), fixtureRow("webhook-notes-update.json", "record"));
        assertEquals(90412, event.key());
        assertEquals(ChangeEvents.toMicros(Instant.parse("2026-11-20T09:31:47.100201Z")), event.version());
        assertEquals("aligner_notes#90412 update v" + event.version(), event.describe());
    }

    @Test
    void notesWithoutUpdatedAtFallBackToEditedAtThenCreatedAt() throws IOException {
        Map<String, Object> row = fixtureRow("webhook-notes-update.json", "record");
        row.remove("updated_at");
        assertEquals(ChangeEvents.toMicros(Instant.parse("2026-11-20T09:31:47.100201Z")),
                ChangeEvents.of(Input.POLL, SourceTable.ALIGNER_NOTES, Op.READ, null, row).version());
        row.put("edited_at", null);
        assertEquals(ChangeEvents.toMicros(Instant.parse("2026-11-20T09:14:03.512844Z")),
                ChangeEvents.of(Input.POLL, SourceTable.ALIGNER_NOTES, Op.READ, null, row).version());
    }

    @Test
    void deleteIsVersionedJustAfterTheOldRow() throws IOException {
        ChangeEvent delete = ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.DELETE,
                fixtureRow("webhook-notes-delete.json", "old_record"), null);
        assertEquals(ChangeEvents.toMicros(Instant.parse("2026-11-20T10:02:11.000418Z")) + 1, delete.version());
        ChangeEvent keyOnly = ChangeEvents.of(Input.CDC, SourceTable.ALIGNER_NOTES, Op.DELETE, Map.of("note_id", 90412), null);
        assertFalse(keyOnly.hasKnownVersion());
    }

    @Test
    void theSameRowFromDifferentInputsHashesAlike() throws IOException {
        Map<String, Object> webhook = fixtureRow("webhook-notes-update.json", "record");
        // Debezium and Postgres text print the same instants differently, and integers as Integer.
        Map<String, Object> cdc = new HashMap<>(webhook);
        cdc.put("note_id", 90412);
        cdc.put("created_at", "2026-11-20 09:14:03.512844+00");
        cdc.put("edited_at", "2026-11-20T09:31:47.100201Z");
        cdc.put("updated_at", "2026-11-20T10:31:47.100201+01:00");
        cdc.put("some_new_portal_column", "ignored");
        ChangeEvent a = ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.UPDATE, null, webhook);
        ChangeEvent b = ChangeEvents.of(Input.CDC, SourceTable.ALIGNER_NOTES, Op.UPDATE, null, cdc);
        assertEquals(a.version(), b.version());
        assertEquals(a.contentHash(), b.contentHash());
    }

    @Test
    void aDifferentTextOrReadFlagChangesTheHash() throws IOException {
        Map<String, Object> row = fixtureRow("webhook-notes-update.json", "record");
        String hash = ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.UPDATE, null, row).contentHash();
        row.put("is_read", true);
        assertNotEquals(hash, ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.UPDATE, null, row).contentHash());
    }

    @Test
    void noteHashCoversOnlyWhatFlowsBack() throws IOException {
        Map<String, Object> row = fixtureRow("webhook-notes-update.json", "record");
        String hash = ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.UPDATE, null, row).contentHash();
        row.put("created_at", "2020-01-01T00:00:00Z");
        row.put("updated_at", "2030-01-01T00:00:00Z");
        assertEquals(hash, ChangeEvents.of(Input.POLL, SourceTable.ALIGNER_NOTES, Op.READ, null, row).contentHash());
        row.put("note_type", "Lab");
        assertNotEquals(hash, ChangeEvents.of(Input.POLL, SourceTable.ALIGNER_NOTES, Op.READ, null, row).contentHash());
    }

    @Test
    void batchHashCoversDaysOnly() throws IOException {
        Map<String, Object> row = fixtureRow("webhook-batches-update.json", "record");
        String hash = ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_BATCHES, Op.UPDATE, null, row).contentHash();
        row.put("upper_aligner_count", 99);
        row.remove("aligner_set_id");
        assertEquals(hash, ChangeEvents.of(Input.POLL, SourceTable.ALIGNER_BATCHES, Op.READ, null, row).contentHash());
    }

    @Test
    void missingKeyIsRefusedNamingTheField() throws IOException {
        Map<String, Object> row = fixtureRow("webhook-notes-insert.json", "record");
        row.remove("note_id");
        InvalidChangeException e = assertThrows(InvalidChangeException.class,
                () -> ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.CREATE, null, row));
        assertEquals("after.note_id", e.field());
    }

    @Test
    void wrongTypeIsRefusedNamingTheFieldAndType() throws IOException {
        Map<String, Object> row = fixtureRow("webhook-batches-update.json", "record");
        row.put("days", "ten");
        InvalidChangeException e = assertThrows(InvalidChangeException.class,
                () -> ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_BATCHES, Op.UPDATE, null, row));
        assertEquals("after.days", e.field());
        // The type, not the value: these messages reach logs and status, and a value may be note text.
        assertTrue(e.getMessage().endsWith("expected an integer, got a string"), e.getMessage());
        assertFalse(e.getMessage().contains("ten\""), e.getMessage());

        row.put("days", 10);
        row.put("updated_at", "yesterday");
        assertTrue(assertThrows(InvalidChangeException.class,
                () -> ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_BATCHES, Op.UPDATE, null, row)).getMessage()
                .contains("after.updated_at: expected a timestamp"));
    }

    @Test
    void aTimestampOutsideTheYears0001To9999IsRefusedAsOutOfRangeNamingTheField() throws IOException {
        for (Object farOff : new Object[] {"+999999999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "-000001-12-31T00:00:00Z",
                Long.MAX_VALUE, Long.MIN_VALUE}) {
            Map<String, Object> row = fixtureRow("webhook-notes-update.json", "record");
            row.put("edited_at", farOff);
            InvalidChangeException e = assertThrows(InvalidChangeException.class,
                    () -> ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.UPDATE, null, row), farOff.toString());
            assertEquals("after.edited_at", e.field());
            assertTrue(e.outOfRange(), e.getMessage());
        }
    }

    @Test
    void theFirstAndLastAcceptedTimestampsAreVersioned() throws IOException {
        // Instant.until(MICROS) goes through nanoseconds and overflows outside 1677..2262.
        Map<String, Object> row = fixtureRow("webhook-notes-update.json", "record");
        row.put("updated_at", "0001-01-01T00:00:00Z");
        assertEquals(-62_135_596_800_000_000L, ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.UPDATE, null, row).version());
        row.put("updated_at", "9999-12-31T23:59:59.999999Z");
        assertEquals(253_402_300_799_999_999L, ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.UPDATE, null, row).version());
    }

    @Test
    void microsecondsRoundTripAndTruncateTowardZeroAsBefore() {
        Instant beforeEpoch = Instant.ofEpochSecond(-1, 999_999_500);
        assertEquals(0, ChangeEvents.toMicros(beforeEpoch));
        assertEquals(-1, ChangeEvents.toMicros(Instant.ofEpochSecond(-1, 999_999_000)));
        Instant t = Instant.parse("2026-11-20T09:31:47.100201Z");
        assertEquals(t, ChangeEvents.fromMicros(ChangeEvents.toMicros(t)));
    }

    @Test
    void noValueOfAWrongTypeIsQuotedInTheRefusal() throws IOException {
        for (Object planted : new Object[] {"PLANTED-PHI-7731 reports tightness", java.util.List.of("PLANTED-PHI-7731"),
                Map.of("text", "PLANTED-PHI-7731")}) {
            Map<String, Object> row = fixtureRow("webhook-notes-insert.json", "record");
            row.put("created_at", planted);
            InvalidChangeException e = assertThrows(InvalidChangeException.class,
                    () -> ChangeEvents.of(Input.POLL, SourceTable.ALIGNER_NOTES, Op.READ, null, row));
            assertEquals("after.created_at", e.field());
            assertFalse(e.getMessage().contains("PLANTED"), e.getMessage());
        }
    }

    @Test
    void nullInANonNullColumnAndAMissingRowAreRefused() throws IOException {
        Map<String, Object> row = fixtureRow("webhook-notes-insert.json", "record");
        row.put("note_text", null);
        assertEquals("after.note_text", assertThrows(InvalidChangeException.class,
                () -> ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.CREATE, null, row)).field());
        assertEquals("after", assertThrows(InvalidChangeException.class,
                () -> ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.UPDATE, null, null)).field());
        assertEquals("before", assertThrows(InvalidChangeException.class,
                () -> ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.DELETE, null, null)).field());
    }

    @Test
    void deadLetterJsonReadsBackAsTheSameEvent() throws IOException {
        ChangeEvent event = ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_NOTES, Op.UPDATE,
                fixtureRow("webhook-notes-update.json", "old_record"), fixtureRow("webhook-notes-update.json", "record"));
        ChangeEventJson codec = new ChangeEventJson(mapper);
        ChangeEvent back = codec.fromJson(mapper.readTree(mapper.writeValueAsString(codec.toJson(event))));
        assertEquals(event, back);
    }
}
