package com.alignersync.source.cdc;

import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.Input;
import com.alignersync.event.InvalidChangeException;
import com.alignersync.event.Op;
import com.alignersync.event.SourcePosition;
import com.alignersync.event.SourceTable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The one place where a Debezium record becomes a {@link ChangeEvent}. Records that are not row
 * changes of the two portal tables (heartbeats, tombstones, truncates, logical messages, other
 * tables) are skipped; a change that fails validation is returned as invalid with the raw
 * record, for the dead-letter log. Both kinds still count as processed, so the stream goes on.
 */
public final class CdcRecordMapper {

    /** What Debezium puts in place of an unchanged TOASTed value it did not receive. */
    static final String UNAVAILABLE_PLACEHOLDER = "__debezium_unavailable_value";

    /** The outcome of mapping one record. */
    public sealed interface Result {
    }

    public record Mapped(ChangeEvent event) implements Result {
    }

    public record Skipped(String reason) implements Result {
    }

    public record Invalid(String reason, ObjectNode raw) implements Result {
    }

    private final ObjectMapper json;
    private final String schema;

    public CdcRecordMapper(ObjectMapper json) {
        this(json, "public");
    }

    CdcRecordMapper(ObjectMapper json, String schema) {
        this.json = json;
        this.schema = schema;
    }

    /**
     * The portal's commit time of any change record, a heartbeat's or another table's included
     * (freshness: every change committed before it has been handled); empty for other records.
     */
    public static Optional<Instant> commitTime(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("source") == null) {
            return Optional.empty();
        }
        Struct source = value.getStruct("source");
        return source == null ? Optional.empty() : Optional.ofNullable(position(source).commitTime());
    }

    public Result map(SourceRecord record) {
        if (!(record.value() instanceof Struct value)) {
            return new Skipped(record.value() == null ? "tombstone" : "not a change record");
        }
        if (value.schema().field("op") == null || value.schema().field("source") == null) {
            return new Skipped("not a change record (heartbeat or metadata)");
        }
        String opCode = value.getString("op");
        Struct source = value.getStruct("source");
        String table = text(source, "table");
        Optional<SourceTable> sourceTable = schema.equals(text(source, "schema")) ? SourceTable.byName(table) : Optional.empty();
        if (sourceTable.isEmpty()) {
            return new Skipped("table " + text(source, "schema") + "." + table + " does not flow back");
        }
        if ("t".equals(opCode) || "m".equals(opCode)) {
            return new Skipped("operation '" + opCode + "' (truncate or message) is not a row change");
        }
        Map<String, Object> before = row(value, "before");
        Map<String, Object> after = row(value, "after");
        try {
            Op op = Op.fromCode(opCode);
            if (op == Op.DELETE && before != null && keyOnly(sourceTable.get(), before)) {
                // REPLICA IDENTITY DEFAULT: only the key is real. Keep just the key, so the delete is
                // decided by key and ledger (as an unversioned delete), never by placeholder values.
                Map<String, Object> key = new LinkedHashMap<>();
                key.put(sourceTable.get().keyColumn(), before.get(sourceTable.get().keyColumn()));
                before = key;
            }
            if (after != null) {
                fillUnavailable(after, before);
            }
            ChangeEvent event = ChangeEvents.of(Input.CDC, sourceTable.get(), op, before, after);
            return new Mapped(event.withPosition(position(source)));
        } catch (IllegalArgumentException e) {
            return new Invalid(e.getMessage(), raw(record, opCode, table, before, after));
        }
    }

    /**
     * Whether a delete's old row is only the key: under REPLICA IDENTITY DEFAULT Debezium fills
     * the other NOT NULL columns with placeholders (empty text, 0, false, the epoch), not nulls. A
     * real old row always has something else (note_type is 'Doctor' or 'Lab'; created_at and
     * updated_at are never the epoch), so "every non-key column is null or a zero value" is
     * never true of one.
     */
    static boolean keyOnly(SourceTable table, Map<String, Object> before) {
        for (Map.Entry<String, Object> column : before.entrySet()) {
            if (column.getKey().equals(table.keyColumn())) {
                continue;
            }
            Object value = column.getValue();
            boolean zero = value == null
                    || (value instanceof String text && (text.isEmpty() || text.startsWith("1970-01-01T00:00:00")))
                    || (value instanceof Number number && number.doubleValue() == 0)
                    || Boolean.FALSE.equals(value)
                    || (value instanceof java.util.Date date && date.getTime() == 0);
            if (!zero) {
                return false;
            }
        }
        return true;
    }

    /**
     * An unchanged TOASTed column (a long note text) may arrive as Debezium's placeholder; with
     * REPLICA IDENTITY FULL the old row has the real value, which is the new value too.
     */
    private static void fillUnavailable(Map<String, Object> after, Map<String, Object> before) {
        for (Map.Entry<String, Object> column : after.entrySet()) {
            if (UNAVAILABLE_PLACEHOLDER.equals(column.getValue())) {
                Object old = before == null ? null : before.get(column.getKey());
                if (old == null || UNAVAILABLE_PLACEHOLDER.equals(old)) {
                    throw new InvalidChangeException("after." + column.getKey(), "the value was not sent by Postgres (unchanged TOAST value"
                            + " and no old row: is REPLICA IDENTITY FULL set? run connector-config/supabase-setup.sql)");
                }
                column.setValue(old);
            }
        }
    }

    private static SourcePosition position(Struct source) {
        Long lsn = longField(source, "lsn");
        Long micros = longField(source, "ts_us");
        Instant committed = micros != null
                ? Instant.EPOCH.plus(micros, ChronoUnit.MICROS)
                : Optional.ofNullable(longField(source, "ts_ms")).map(Instant::ofEpochMilli).orElse(null);
        return new SourcePosition(lsn == null ? 0 : lsn, committed);
    }

    private static Map<String, Object> row(Struct value, String side) {
        if (value.schema().field(side) == null) {
            return null;
        }
        Struct struct = value.getStruct(side);
        if (struct == null) {
            return null;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (Field field : struct.schema().fields()) {
            row.put(field.name(), struct.get(field));
        }
        return row;
    }

    private ObjectNode raw(SourceRecord record, String op, String table, Map<String, Object> before, Map<String, Object> after) {
        ObjectNode node = json.createObjectNode();
        node.put("topic", record.topic());
        node.put("table", table);
        node.put("op", op);
        node.set("before", json.valueToTree(before));
        node.set("after", json.valueToTree(after));
        node.set("offset", json.valueToTree(record.sourceOffset()));
        return node;
    }

    private static String text(Struct struct, String name) {
        return struct.schema().field(name) == null ? null : struct.getString(name);
    }

    private static Long longField(Struct struct, String name) {
        if (struct.schema().field(name) == null) {
            return null;
        }
        Object value = struct.get(name);
        return value instanceof Number n ? n.longValue() : null;
    }
}
