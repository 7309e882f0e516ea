package com.alignersync.event;

import java.util.List;

/**
 * A part of a portal row that flows back to SQL Server, with the two stamp columns the portal's
 * setup trigger ({@code connector-config/supabase-setup.sql}) keeps for it: when it last changed
 * and who changed it. A clinic marking a note read while a doctor edits its text touches two
 * fields, and each carries its own time and origin, so neither edit is taken for the other.
 *
 * @param name      a short name for logs and the ledger's reasons ({@code days}, {@code text}, {@code read})
 * @param columns   the portal columns of this field
 * @param changedAt the stamp column holding when this field last changed (the row's updated_at of that change)
 * @param changedBy the stamp column holding who changed it ({@link Origin})
 */
public record SyncedField(String name, List<String> columns, String changedAt, String changedBy) {

    public SyncedField {
        columns = List.copyOf(columns);
    }
}
