package com.alignersync.sink.support;

import com.alignersync.sink.LedgerSql;
import com.alignersync.sink.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The clinic tables in a real SQL Server ({@link SqlServerUnderTest}: an operator's, or a
 * container), with T-SQL triggers for the write log.
 */
public final class SqlServerClinicTarget implements ClinicTarget {

    private final SqlServerUnderTest server;
    private final DataSource dataSource;

    /** @param server claimed for the suite by {@link SqlServerUnderTest#get}: {@link #reset} drops the clinic tables there */
    public SqlServerClinicTarget(SqlServerUnderTest server) throws SQLException {
        this.server = server;
        this.dataSource = server.dataSource();
        reset();
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.SQL_SERVER;
    }

    @Override
    public String jdbcUrl() {
        return server.fullJdbcUrl();
    }

    @Override
    public void reset() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String table : new String[] {"dbo.WriteLog", "dbo.tblAlignerNotes", "dbo.tblAlignerBatches", LedgerSql.TABLE}) {
                s.execute("IF OBJECT_ID(N'" + table + "', N'U') IS NOT NULL DROP TABLE " + table);
            }
            for (String ddl : ClinicSchema.clinicTables()) {
                s.execute(ddl);
            }
            for (String ddl : new LedgerSql(SqlDialect.SQL_SERVER).ddl()) {
                s.execute(ddl);
            }
            s.execute("CREATE TABLE dbo.WriteLog (TableName varchar(64), RowKey bigint, Op varchar(10))");
            s.execute("""
                    CREATE TRIGGER dbo.trg_notes ON dbo.tblAlignerNotes AFTER INSERT, UPDATE, DELETE AS
                    INSERT INTO dbo.WriteLog (TableName, RowKey, Op)
                    SELECT 'TBLALIGNERNOTES', COALESCE(i.NoteID, d.NoteID),
                           CASE WHEN i.NoteID IS NULL THEN 'DELETE' WHEN d.NoteID IS NULL THEN 'INSERT' ELSE 'UPDATE' END
                    FROM inserted i FULL OUTER JOIN deleted d ON i.NoteID = d.NoteID""");
            s.execute("""
                    CREATE TRIGGER dbo.trg_batches ON dbo.tblAlignerBatches AFTER INSERT, UPDATE, DELETE AS
                    INSERT INTO dbo.WriteLog (TableName, RowKey, Op)
                    SELECT 'TBLALIGNERBATCHES', COALESCE(i.AlignerBatchID, d.AlignerBatchID),
                           CASE WHEN i.AlignerBatchID IS NULL THEN 'DELETE' WHEN d.AlignerBatchID IS NULL THEN 'INSERT' ELSE 'UPDATE' END
                    FROM inserted i FULL OUTER JOIN deleted d ON i.AlignerBatchID = d.AlignerBatchID""");
        }
    }

    @Override
    public void insertNote(long noteId, long setId, String type, String text) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET IDENTITY_INSERT dbo.tblAlignerNotes ON; INSERT INTO dbo.tblAlignerNotes (NoteID, AlignerSetID, NoteType, NoteText, IsRead)"
                    + " VALUES (" + noteId + ", " + setId + ", '" + type + "', N'" + text.replace("'", "''") + "', 0);"
                    + " SET IDENTITY_INSERT dbo.tblAlignerNotes OFF;");
        }
    }

    @Override
    public void insertBatch(long batchId, long setId, Integer days) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET IDENTITY_INSERT dbo.tblAlignerBatches ON; INSERT INTO dbo.tblAlignerBatches"
                    + " (AlignerBatchID, AlignerSetID, BatchSequence, Days, Notes, IsActive) VALUES ("
                    + batchId + ", " + setId + ", 1, " + days + ", N'delivery notes', 1); SET IDENTITY_INSERT dbo.tblAlignerBatches OFF;");
        }
    }

    @Override
    public void close() {
        // the server belongs to the test JVM (SqlServerUnderTest)
    }
}
