package com.alignersync.sink.support;

import com.alignersync.sink.LedgerSql;
import com.alignersync.sink.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** A fresh in-memory H2 in MODE=MSSQLServer with the clinic tables, the ledger and the write log. */
public final class H2ClinicTarget implements ClinicTarget {

    private final String url;
    private final JdbcDataSource dataSource = new JdbcDataSource();

    public H2ClinicTarget() throws SQLException {
        this("jdbc:h2:mem:clinic-" + UUID.randomUUID() + ";MODE=MSSQLServer;DB_CLOSE_DELAY=-1");
    }

    private H2ClinicTarget(String url) throws SQLException {
        this.url = url;
        dataSource.setURL(url);
        reset();
    }

    /**
     * A clinic database in a file that other processes (a daemon under test) open too. With
     * AUTO_SERVER the first process to open it serves it; open it here first and keep a
     * connection, so the file outlives a daemon killed with -9.
     */
    public static H2ClinicTarget inFile(java.nio.file.Path file) throws SQLException {
        return new H2ClinicTarget("jdbc:h2:file:" + file.toAbsolutePath() + ";MODE=MSSQLServer;AUTO_SERVER=TRUE");
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.H2;
    }

    @Override
    public String jdbcUrl() {
        return url;
    }

    @Override
    public void reset() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP ALL OBJECTS");
            s.execute("CREATE SCHEMA dbo");
            for (String ddl : ClinicSchema.clinicTables()) {
                s.execute(ddl);
            }
            for (String ddl : new LedgerSql(SqlDialect.H2).ddl()) {
                s.execute(ddl);
            }
            s.execute("CREATE TABLE dbo.WriteLog (TableName varchar(64), RowKey bigint, Op varchar(10))");
            for (String table : new String[] {"tblAlignerNotes", "tblAlignerBatches"}) {
                s.execute("CREATE TRIGGER dbo.trg_" + table + " AFTER INSERT, UPDATE, DELETE ON dbo." + table
                        + " FOR EACH ROW CALL '" + H2WriteLogTrigger.class.getName() + "'");
            }
        }
    }

    @Override
    public void close() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException ignored) {
            // already gone
        }
    }
}
