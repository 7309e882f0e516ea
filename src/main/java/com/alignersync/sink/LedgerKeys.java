package com.alignersync.sink;

import com.alignersync.event.SourceTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Read-only questions to the ledger for reconcile and verify: which keys it holds as applied
 * and not deleted, and what it holds for given keys. Nothing here locks or writes; deciding
 * and writing stay in {@link SqlServerSink}.
 */
public final class LedgerKeys {

    /** Keys per page; a page is one short indexed range read of the ledger's primary key. */
    static final int PAGE = 10_000;

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final LedgerSql sql;

    public LedgerKeys(DataSource dataSource, SqlDialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.sql = new LedgerSql(dialect);
    }

    /** The table's live ledger keys, ascending, read page by page (each page its own short read). */
    public long[] liveKeys(SourceTable table) throws SQLException {
        long[] keys = new long[1024];
        int size = 0;
        long after = Long.MIN_VALUE;
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement page = connection.prepareStatement(sql.liveKeysPage(table))) {
                while (true) {
                    page.setLong(1, after);
                    page.setInt(2, PAGE);
                    int read = 0;
                    try (ResultSet rs = page.executeQuery()) {
                        while (rs.next()) {
                            if (size == keys.length) {
                                keys = Arrays.copyOf(keys, size * 2);
                            }
                            after = rs.getLong(1);
                            keys[size++] = after;
                            read++;
                        }
                    }
                    if (read < PAGE) {
                        break;
                    }
                }
            } finally {
                connection.rollback();
            }
        }
        return Arrays.copyOf(keys, size);
    }

    /** The entries of these keys (tombstones included); keys without an entry are absent from the map. */
    public Map<Long, LedgerEntry> entries(SourceTable table, Collection<Long> keys) throws SQLException {
        Map<Long, LedgerEntry> entries = new HashMap<>();
        if (keys.isEmpty()) {
            return entries;
        }
        try (Connection connection = dataSource.getConnection()) {
            try {
                for (List<Long> chunk : Ledger.chunks(keys)) {
                    try (PreparedStatement read = connection.prepareStatement(sql.readEntries(table, chunk.size()))) {
                        dialect.bindKeys(read, chunk);
                        try (ResultSet rs = read.executeQuery()) {
                            while (rs.next()) {
                                entries.put(rs.getLong(1), new LedgerEntry(rs.getLong(2), rs.getString(3), rs.getBoolean(4)));
                            }
                        }
                    }
                }
            } finally {
                connection.rollback();
            }
        }
        return entries;
    }
}
