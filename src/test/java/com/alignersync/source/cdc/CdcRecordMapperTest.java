package com.alignersync.source.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.event.ChangeEvent;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** How a Debezium record (Connect format, as the Postgres connector emits it) becomes a change event or is skipped. */
class CdcRecordMapperTest {

    private static final Schema NOTE = SchemaBuilder.struct().name("aligner_sync.public.aligner_notes.Value").optional()
            .field("note_id", Schema.INT32_SCHEMA)
            .field("aligner_set_id", Schema.INT32_SCHEMA)
            .field("note_type", Schema.STRING_SCHEMA)
            .field("note_text", Schema.STRING_SCHEMA)
            .field("created_at", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build())
            .field("is_edited", Schema.BOOLEAN_SCHEMA)
            .field("edited_at", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").optional().build())
            .field("is_read", Schema.BOOLEAN_SCHEMA)
            .field("updated_at", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build())
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("aligner_sync.public.aligner_notes.Envelope")
            .field("before", NOTE)
            .field("after", NOTE)
            .field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA)
            .build();

    private final CdcRecordMapper mapper = new CdcRecordMapper(new ObjectMapper());

    private static Struct note(int id, String text, boolean read, String updatedAt) {
        return new Struct(NOTE).put("note_id", id).put("aligner_set_id", 7).put("note_type", "Doctor").put("note_text", text)
                .put("created_at", "2026-11-20T09:14:03.512844Z").put("is_edited", false).put("is_read", read).put("updated_at", updatedAt);
    }

    private static SourceRecord record(String table, String op, Struct before, Struct after) {
        Struct source = new Struct(SOURCE).put("schema", "public").put("table", table).put("ts_ms", 1_795_598_474_168L)
                .put("ts_us", 1_795_598_474_168_386L).put("lsn", 22_263_144L);
        Struct value = new Struct(ENVELOPE).put("before", before).put("after", after).put("source", source).put("op", op);
        return new SourceRecord(Map.of("server", "aligner_sync"), Map.of("lsn", 22_263_144L), "aligner_sync.public." + table, ENVELOPE, value);
    }

    @Test
    void anUpdateBecomesACdcEventWithItsLsnAndCommitTime() {
        CdcRecordMapper.Result result = mapper.map(record("aligner_notes", "u",
                note(5, "old", false, "2026-11-21T10:00:00.000001Z"), note(5, "old", true, "2026-11-21T10:00:00.000002Z")));

        ChangeEvent event = assertInstanceOf(CdcRecordMapper.Mapped.class, result).event();
        assertEquals(Input.CDC, event.input());
        assertEquals(SourceTable.ALIGNER_NOTES, event.table());
        assertEquals(Op.UPDATE, event.op());
        assertEquals(5, event.key());
        assertEquals(Boolean.TRUE, event.after().get("is_read"));
        assertEquals(Boolean.FALSE, event.before().get("is_read"));
        assertEquals("0/153B568", event.position().lsnText());
        assertEquals(Instant.parse("2026-11-25T09:21:14.168386Z"), event.position().commitTime());
    }

    @Test
    void tombstonesHeartbeatsOtherTablesAndTruncatesAreSkipped() {
        assertInstanceOf(CdcRecordMapper.Skipped.class,
                mapper.map(new SourceRecord(Map.of(), Map.of(), "aligner_sync.public.aligner_notes", null, null)));
        Schema heartbeat = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat").field("ts_ms", Schema.INT64_SCHEMA).build();
        assertInstanceOf(CdcRecordMapper.Skipped.class, mapper.map(new SourceRecord(Map.of(), Map.of(),
                "__debezium-heartbeat.aligner_sync", heartbeat, new Struct(heartbeat).put("ts_ms", 1L))));
        assertInstanceOf(CdcRecordMapper.Skipped.class, mapper.map(record("aligner_sync_heartbeat", "u", null, note(1, "x", false, "2026-11-21T10:00:00Z"))));
        assertInstanceOf(CdcRecordMapper.Skipped.class, mapper.map(record("aligner_notes", "t", null, null)));
    }

    @Test
    void anUnchangedToastValueIsTakenFromTheOldRow() {
        Struct before = note(6, "a long note text that Postgres stored out of line", false, "2026-11-21T10:00:00Z");
        Struct after = note(6, CdcRecordMapper.UNAVAILABLE_PLACEHOLDER, true, "2026-11-21T10:00:01Z");

        ChangeEvent event = assertInstanceOf(CdcRecordMapper.Mapped.class, mapper.map(record("aligner_notes", "u", before, after))).event();

        assertEquals("a long note text that Postgres stored out of line", event.after().get("note_text"));
    }

    @Test
    void anUnchangedToastValueWithoutAnOldRowIsInvalidNotWrittenAsThePlaceholder() {
        Struct after = note(6, CdcRecordMapper.UNAVAILABLE_PLACEHOLDER, true, "2026-11-21T10:00:01Z");

        CdcRecordMapper.Invalid invalid = assertInstanceOf(CdcRecordMapper.Invalid.class, mapper.map(record("aligner_notes", "u", null, after)));

        assertTrue(invalid.reason().startsWith("after.note_text"), invalid.reason());
        assertTrue(invalid.reason().contains("REPLICA IDENTITY FULL"), invalid.reason());
    }

    @Test
    void aRowThatFailsValidationIsInvalidWithTheRawRecordForTheDeadLetterLog() {
        Struct after = note(8, "text", false, "not a timestamp");

        CdcRecordMapper.Invalid invalid = assertInstanceOf(CdcRecordMapper.Invalid.class, mapper.map(record("aligner_notes", "c", null, after)));

        assertTrue(invalid.reason().startsWith("after.updated_at"), invalid.reason());
        assertEquals("aligner_notes", invalid.raw().get("table").asText());
        assertEquals("c", invalid.raw().get("op").asText());
        assertEquals(8, invalid.raw().get("after").get("note_id").asInt());
        assertEquals(22_263_144L, invalid.raw().get("offset").get("lsn").asLong());
    }

    @Test
    void aDeleteOldRowOfKeyAndPlaceholdersIsKeyOnlyButARealOldRowIsNot() {
        java.util.Map<String, Object> placeholders = new java.util.LinkedHashMap<>();
        placeholders.put("note_id", 301);
        placeholders.put("aligner_set_id", 0);
        placeholders.put("note_type", "");
        placeholders.put("note_text", "");
        placeholders.put("created_at", "1970-01-01T00:00:00Z");
        placeholders.put("is_edited", false);
        placeholders.put("edited_at", null);
        placeholders.put("is_read", false);
        placeholders.put("updated_at", "1970-01-01T00:00:00Z");
        assertTrue(CdcRecordMapper.keyOnly(com.alignersync.event.SourceTable.ALIGNER_NOTES, placeholders));

        java.util.Map<String, Object> real = new java.util.LinkedHashMap<>(placeholders);
        real.put("note_type", "Doctor");
        real.put("created_at", "2026-11-20T09:14:03.512844Z");
        assertFalse(CdcRecordMapper.keyOnly(com.alignersync.event.SourceTable.ALIGNER_NOTES, real));
    }
}
