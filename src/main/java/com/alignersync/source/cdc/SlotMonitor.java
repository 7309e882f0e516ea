package com.alignersync.source.cdc;

import com.alignersync.config.PostgresUrl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;

/** Reads the slot's health from {@code pg_replication_slots}; a plain connection, no replication protocol. */
public final class SlotMonitor implements SlotReader {

    private static final String QUERY = "SELECT active, wal_status, confirmed_flush_lsn::text,"
            + " pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint"
            + " FROM pg_replication_slots WHERE slot_name = ?";

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
}
