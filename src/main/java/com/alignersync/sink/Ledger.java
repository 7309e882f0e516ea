package com.alignersync.sink;

import com.alignersync.event.SourceTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The version ledger in {@code dbo.AlignerSyncLedger}: what was last applied per source key.
 * Entries are read under lock and written in the same transaction as the target rows, so
 * the ledger and the clinic's tables can never disagree.
 */
final class Ledger {

    /**
     * An entry to record for a key whose newest version was just written.
     *
     * @param known whether the key had an entry when this transaction locked it
     */
    record Update(SourceTable table, long key, LedgerEntry entry, String appliedBy, boolean known) {
    }

    private final SqlDialect dialect;
    private final LedgerSql sql;
    private final Statements statements;

    Ledger(SqlDialect dialect, Statements statements) {
        this.dialect = dialect;
        this.sql = new LedgerSql(dialect);
        this.statements = statements;
    }

    /** Locks and reads the entries of these keys of any table; keys without an entry are absent from the map. */
    Map<SinkKey, LedgerEntry> lock(Connection connection, Collection<SinkKey> keys) throws SQLException {
        Map<SinkKey, LedgerEntry> entries = new HashMap<>();
        for (SourceTable table : SourceTable.values()) {
            List<Long> ofTable = keys.stream().filter(k -> k.table() == table).map(SinkKey::key).toList();
            if (!ofTable.isEmpty()) {
                lock(connection, table, ofTable).forEach((key, entry) -> entries.put(new SinkKey(table, key), entry));
            }
        }
        return entries;
    }

    /** Locks and reads the entries of these keys of one table; keys without an entry are absent from the map. */
    Map<Long, LedgerEntry> lock(Connection connection, SourceTable table, Collection<Long> keys) throws SQLException {
        Map<Long, LedgerEntry> entries = new HashMap<>();
        for (List<Long> chunk : chunks(keys)) {
            try (PreparedStatement lock = statements.prepare(connection, sql.lockEntries(table, chunk.size()))) {
                dialect.bindKeys(lock, chunk);
                try (ResultSet rs = lock.executeQuery()) {
                    while (rs.next()) {
                        entries.put(rs.getLong(1), new LedgerEntry(rs.getLong(2), rs.getString(3), rs.getBoolean(4),
                                rs.getObject(5, Long.class), rs.getObject(6, Long.class)));
                    }
                }
            }
        }
        return entries;
    }

    /** Writes the entries: an UPDATE for the keys the transaction found, an INSERT for the others (no MERGE: {@link LedgerSql#insertEntry}). */
    void record(Connection connection, List<Update> updates) throws SQLException {
        List<Update> known = new ArrayList<>(updates.size());
        List<Update> fresh = new ArrayList<>(updates.size());
        for (Update update : updates) {
            (update.known() ? known : fresh).add(update);
        }
        write(connection, sql.updateEntry(), known, true);
        write(connection, sql.insertEntry(), fresh, false);
    }

    /** One JDBC batch of entries, bound in the order of {@link LedgerSql#updateEntry} or {@link LedgerSql#insertEntry}. */
    private void write(Connection connection, String statementSql, List<Update> updates, boolean update) throws SQLException {
        if (updates.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = statements.prepare(connection, statementSql)) {
            for (Update u : updates) {
                int i = 1;
                if (!update) {
                    statement.setString(i++, u.table().tableName());
                    statement.setLong(i++, u.key());
                }
                statement.setLong(i++, u.entry().version());
                statement.setString(i++, u.entry().contentHash());
                statement.setBoolean(i++, u.entry().tombstone());
                statement.setString(i++, u.appliedBy());
                setNullableLong(statement, i++, u.entry().lsn());
                setNullableLong(statement, i++, u.entry().writtenAt());
                if (update) {
                    statement.setString(i++, u.table().tableName());
                    statement.setLong(i, u.key());
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static void setNullableLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    static List<List<Long>> chunks(Collection<Long> keys) {
        List<List<Long>> chunks = new ArrayList<>();
        List<Long> current = new ArrayList<>();
        for (Long key : keys) {
            current.add(key);
            if (current.size() == SqlDialect.MAX_KEYS_PER_STATEMENT) {
                chunks.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }
}
