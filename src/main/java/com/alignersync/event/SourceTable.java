package com.alignersync.event;

import static com.alignersync.event.ColumnType.BOOLEAN;
import static com.alignersync.event.ColumnType.INTEGER;
import static com.alignersync.event.ColumnType.TEXT;
import static com.alignersync.event.ColumnType.TIMESTAMP;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The two portal tables that flow back, with the columns the daemon reads. Columns not
 * listed here (the delivery columns forward-synced from SQL Server) are ignored by every input.
 */
public enum SourceTable {
    ALIGNER_NOTES(
            "aligner_notes",
            "note_id",
            List.of(
                    Column.required("note_id", INTEGER),
                    Column.required("aligner_set_id", INTEGER),
                    Column.required("note_type", TEXT),
                    Column.required("note_text", TEXT),
                    Column.required("created_at", TIMESTAMP),
                    Column.optional("is_edited", BOOLEAN),
                    Column.optional("edited_at", TIMESTAMP),
                    Column.required("is_read", BOOLEAN),
                    // Added by connector-config/supabase-setup.sql; older portals lack them.
                    Column.optional("updated_at", TIMESTAMP),
                    Column.optional("text_changed_at", TIMESTAMP),
                    Column.optional("text_changed_by", TEXT),
                    Column.optional("read_changed_at", TIMESTAMP),
                    Column.optional("read_changed_by", TEXT)),
            // What the sink compares and writes: created_at is not part of it (never updated in
            // SQL Server), so a portal copy that differs only there is not a change (rule 6).
            List.of("aligner_set_id", "note_type", "note_text", "is_edited", "edited_at", "is_read"),
            List.of(new SyncedField("text", List.of("note_text", "is_edited", "edited_at"), "text_changed_at", "text_changed_by"),
                    new SyncedField("read", List.of("is_read"), "read_changed_at", "read_changed_by"))),
    ALIGNER_BATCHES(
            "aligner_batches",
            "aligner_batch_id",
            List.of(
                    Column.required("aligner_batch_id", INTEGER),
                    Column.optional("aligner_set_id", INTEGER),
                    Column.requiredNullable("days", INTEGER),
                    Column.optional("created_at", TIMESTAMP),
                    Column.required("updated_at", TIMESTAMP),
                    Column.optional("days_changed_at", TIMESTAMP),
                    Column.optional("days_changed_by", TEXT)),
            // Only days flows back, so only days decides whether two copies say the same thing.
            List.of("days"),
            List.of(new SyncedField("days", List.of("days"), "days_changed_at", "days_changed_by")));

    private final String tableName;
    private final String keyColumn;
    private final List<Column> columns;
    private final List<String> contentColumns;
    private final List<SyncedField> syncedFields;

    SourceTable(String tableName, String keyColumn, List<Column> columns, List<String> contentColumns, List<SyncedField> syncedFields) {
        this.tableName = tableName;
        this.keyColumn = keyColumn;
        this.columns = columns;
        this.contentColumns = contentColumns;
        this.syncedFields = syncedFields;
    }

    /** The Postgres table name, as webhooks, PostgREST and Debezium name it. */
    public String tableName() {
        return tableName;
    }

    public String keyColumn() {
        return keyColumn;
    }

    public List<Column> columns() {
        return columns;
    }

    /** The columns whose values make up an event's content hash. */
    public List<String> contentColumns() {
        return contentColumns;
    }

    /** The parts of a row that flow back to SQL Server, each with its own stamp columns (two-way rules). */
    public List<SyncedField> syncedFields() {
        return syncedFields;
    }

    /** The stamp columns of {@link #syncedFields()}: present only on a portal set up by this release's supabase-setup.sql. */
    public List<String> stampColumns() {
        return syncedFields.stream().flatMap(f -> java.util.stream.Stream.of(f.changedAt(), f.changedBy())).toList();
    }

    /** The table an operator names: its table name, or {@code notes}/{@code batches} (trace). */
    public static Optional<SourceTable> byAlias(String name) {
        return switch (name) {
            case "notes", "note" -> Optional.of(ALIGNER_NOTES);
            case "batches", "batch" -> Optional.of(ALIGNER_BATCHES);
            default -> byName(name);
        };
    }

    public static Optional<SourceTable> byName(String tableName) {
        return Arrays.stream(values()).filter(t -> t.tableName.equals(tableName)).findFirst();
    }
}
