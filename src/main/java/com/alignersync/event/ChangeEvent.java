package com.alignersync.event;

import java.util.Objects;

/**
 * One change to one source row, the same whichever input delivered it. Build it with
 * {@link ChangeEvents#of}, which validates the raw row and derives {@code key},
 * {@code version} and {@code contentHash}.
 *
 * @param before      the row before the change where the input knows it (CDC with
 *                    REPLICA IDENTITY FULL, webhook {@code old_record}); null otherwise
 * @param after       the row after the change; null for a delete
 * @param version     the row's {@code updated_at} in epoch microseconds (notes without it:
 *                    {@code coalesce(edited_at, created_at)}); for a delete one microsecond after
 *                    the old row's version, or {@link #UNKNOWN_VERSION} when the old row carries
 *                    none, in which case the sink places it just after the last version it applied
 * @param contentHash SHA-256 (hex) of the content columns of {@code after}, or of the tombstone
 * @param position    LSN and commit time for CDC events; null for the other inputs
 */
public record ChangeEvent(
        Input input,
        SourceTable table,
        Op op,
        long key,
        Row before,
        Row after,
        long version,
        String contentHash,
        SourcePosition position) {

    public static final long UNKNOWN_VERSION = Long.MIN_VALUE;

    public ChangeEvent {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(contentHash, "contentHash");
        if (op == Op.DELETE ? after != null : after == null) {
            throw new IllegalArgumentException(op + " event must " + (op == Op.DELETE ? "not " : "") + "carry an after row");
        }
    }

    public boolean isDelete() {
        return op == Op.DELETE;
    }

    public boolean hasKnownVersion() {
        return version != UNKNOWN_VERSION;
    }

    /** A short, value-free description for logs: table, key, op, version. Never row contents. */
    public String describe() {
        return table.tableName() + "#" + key + " " + op.name().toLowerCase() + " v" + (hasKnownVersion() ? version : "?");
    }

    /** The same change as another input delivers it (a late webhook, a replayed poll page). */
    public ChangeEvent withInput(Input newInput) {
        return new ChangeEvent(newInput, table, op, key, before, after, version, contentHash, position);
    }

    public ChangeEvent withPosition(SourcePosition newPosition) {
        return new ChangeEvent(input, table, op, key, before, after, version, contentHash, newPosition);
    }
}
