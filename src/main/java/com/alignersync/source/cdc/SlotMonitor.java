package com.alignersync.source.cdc;

import com.alignersync.config.PostgresUrl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the slot's health from {@code pg_replication_slots}; a plain connection, no replication protocol. */
public final class SlotMonitor implements SlotReader {

    private static final String QUERY = "SELECT active, wal_status, confirmed_flush_lsn::text,"
            + " pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint"
            + " FROM pg_replication_slots WHERE slot_name = ?";

    private static final String REPLICA_IDENTITY = "SELECT c.relname, c.relreplident::text FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname IN ('aligner_notes', 'aligner_batches')";

    private final PostgresUrl db;
    private final String slotName;
    private final Clock clock;

    public SlotMonitor(PostgresUrl db, String slotName, Clock clock) {
        this.db = db;
        this.slotName = slotName;
        this.clock = clock;
    }

    @Override
    public SlotHealth check() throws SQLException {
        try (Connection connection = db.connect("aligner-sync slot monitor");
             PreparedStatement query = connection.prepareStatement(QUERY)) {
            query.setString(1, slotName);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return SlotHealth.missing(slotName, clock.instant());
                }
                long retained = rs.getLong(4);
                return new SlotHealth(slotName, true, rs.getBoolean(1), rs.getString(2), rs.getString(3),
                        rs.wasNull() ? null : retained, clock.instant());
            }
        }
    }

    @Override
    public Map<String, String> replicaIdentity() throws SQLException {
        Map<String, String> identities = new LinkedHashMap<>();
        try (Connection connection = db.connect("aligner-sync slot monitor");
             PreparedStatement query = connection.prepareStatement(REPLICA_IDENTITY);
             ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                identities.put(rs.getString(1), rs.getString(2));
            }
        }
        return identities;
    }

    @Override
    public boolean notesHaveUpdatedAt() throws SQLException {
        try (Connection connection = db.connect("aligner-sync slot monitor");
             PreparedStatement query = connection.prepareStatement("SELECT 1 FROM information_schema.columns"
                     + " WHERE table_schema = 'public' AND table_name = 'aligner_notes' AND column_name = 'updated_at'");
             ResultSet rs = query.executeQuery()) {
            return rs.next();
        }
    }
}
