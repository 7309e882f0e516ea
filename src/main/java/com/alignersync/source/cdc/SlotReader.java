package com.alignersync.source.cdc;

import java.sql.SQLException;
import java.util.Map;

/** Reads the replication slot's health and the portal catalogue facts CDC depends on; {@link SlotMonitor} asks Postgres. */
@FunctionalInterface
interface SlotReader {

    SlotHealth check() throws SQLException;

    /**
     * {@code pg_class.relreplident} of the portal tables, by table name ({@code f} full,
     * {@code d} default, {@code n} nothing, {@code i} index); empty when not known.
     */
    default Map<String, String> replicaIdentity() throws SQLException {
        return Map.of();
    }

    /** Whether {@code aligner_notes} has the {@code updated_at} column supabase-setup.sql adds. */
    default boolean notesHaveUpdatedAt() throws SQLException {
        return true;
    }
}
