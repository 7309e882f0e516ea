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
                    // Added by connector-config/supabase-setup.sql; older portals lack it.
                    Column.optional("updated_at", TIMESTAMP)),
            // What the sink compares and writes: created_at is not part of it (never updated in
            // SQL Server), so a portal copy that differs only there is not a change (rule 6).
            List.of("aligner_set_id", "note_type", "note_text", "is_edited", "edited_at", "is_read")),
    ALIGNER_BATCHES(
            "aligner_batches",
            "aligner_batch_id",
            List.of(
                    Column.required("aligner_batch_id", INTEGER),
                    Column.optional("aligner_set_id", INTEGER),
                    Column.requiredNullable("days", INTEGER),
                    Column.optional("created_at", TIMESTAMP),
                    Column.required("updated_at", TIMESTAMP)),
            // Only days flows back, so only days decides whether two copies say the same thing.
            List.of("days"));

    private final String tableName;
    private final String keyColumn;
    private final List<Column> columns;
    private final List<String> contentColumns;

    SourceTable(String tableName, String keyColumn, List<Column> columns, List<String> contentColumns) {
        this.tableName = tableName;
        this.keyColumn = keyColumn;
        this.columns = columns;
        this.contentColumns = contentColumns;
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

    public static Optional<SourceTable> byName(String tableName) {
        return Arrays.stream(values()).filter(t -> t.tableName.equals(tableName)).findFirst();
    }
}
