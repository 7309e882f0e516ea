package com.alignersync.sink.support;

import com.alignersync.sink.LedgerSql;
import com.alignersync.sink.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A clinic database for sink tests: the clinic's two tables as in the fixture schema, the
 * ledger, and a {@code dbo.WriteLog} filled by triggers that fire on every row an
 * INSERT/UPDATE/DELETE touches (as the clinic's forward-sync triggers would see them), so a
 * test can count the writes the sink really issued.
 */
public interface ClinicTarget extends AutoCloseable {

    DataSource dataSource();

    SqlDialect dialect();

    /** The JDBC URL (for commands that open their own pool). */
    String jdbcUrl();

    /** Drops and recreates the clinic tables, the ledger and the write log. */
    void reset() throws SQLException;

    /** Drops the ledger, as on a database where {@code init} never ran. */
    default void dropLedger() throws SQLException {
        execute("DROP TABLE " + LedgerSql.TABLE);
    }

    default void execute(String sql) throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    default void update(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    default List<Map<String, Object>> query(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i).toUpperCase(), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return rows;
        }
    }

    default Map<String, Object> note(long noteId) throws SQLException {
        List<Map<String, Object>> rows = query("SELECT * FROM dbo.tblAlignerNotes WHERE NoteID = ?", noteId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    default Map<String, Object> batch(long batchId) throws SQLException {
        List<Map<String, Object>> rows = query("SELECT * FROM dbo.tblAlignerBatches WHERE AlignerBatchID = ?", batchId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    default int writes() throws SQLException {
        return ((Number) query("SELECT COUNT(*) AS N FROM dbo.WriteLog").get(0).get("N")).intValue();
    }

    default void insertLabNote(long noteId, long setId, String text) throws SQLException {
        insertNote(noteId, setId, "Lab", text);
    }

    default void insertNote(long noteId, long setId, String type, String text) throws SQLException {
        update("INSERT INTO dbo.tblAlignerNotes (NoteID, AlignerSetID, NoteType, NoteText, IsRead) VALUES (?, ?, ?, ?, 0)",
                noteId, setId, type, text);
    }

    default void insertBatch(long batchId, long setId, Integer days) throws SQLException {
        update("INSERT INTO dbo.tblAlignerBatches (AlignerBatchID, AlignerSetID, BatchSequence, Days, Notes, IsActive)"
                + " VALUES (?, ?, 1, ?, 'delivery notes', 1)", batchId, setId, days);
    }

    @Override
    void close();
}
