package com.alignersync.event;

/**
 * When and by whom one {@link SyncedField} of a portal row last changed, read from the row's
 * stamp columns.
 *
 * @param changedAt epoch microseconds, on the same clock as the row's updated_at
 */
public record FieldStamp(SyncedField field, long changedAt, Origin origin) {
}
