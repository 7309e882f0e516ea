package com.alignersync.ops;

import com.alignersync.config.SqlServerConfig;
import com.alignersync.sink.ClinicDatabase;
import com.alignersync.sink.SqlDialect;
import com.alignersync.sink.SqlErrors;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The clinic side of the preflight: SQL Server answers, the ledger exists, the clinic tables can be read. */
final class ClinicChecks {

    static final String REACHABLE = "sql server";
    static final String LEDGER = "ledger";
    static final String TABLES = "clinic tables";
    static final List<String> NAMES = List.of(REACHABLE, LEDGER, TABLES);

    private final SqlServerConfig config;

    ClinicChecks(SqlServerConfig config) {
        this.config = config;
    }

    List<CheckResult> run() {
        List<CheckResult> results = new ArrayList<>();
        try (ClinicDatabase database = ClinicDatabase.open(config); Connection connection = database.dataSource().getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            results.add(CheckResult.ok(REACHABLE, meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion()
                    + (config.user() == null || config.user().isEmpty() ? "" : " as " + config.user())));
            // The same probes SqlServerSink.checkReady() runs, one line each.
            String ledgerProblem = probe(connection, database.dialect().ledgerProbe());
            results.add(ledgerProblem == null
                    ? CheckResult.ok(LEDGER, SqlDialect.LEDGER + " present")
                    : CheckResult.fail(LEDGER, SqlDialect.LEDGER + " cannot be read (" + ledgerProblem + "): run 'aligner-sync init'"
                    + " (or 'init --print' for a DBA to run)"));
            List<String> unreadable = new ArrayList<>();
            for (String table : List.of(SqlDialect.NOTES, SqlDialect.BATCHES)) {
                String problem = probe(connection, database.dialect().tableProbe(table));
                if (problem != null) {
                    unreadable.add(table + " (" + problem + ")");
                }
            }
            results.add(unreadable.isEmpty()
                    ? CheckResult.ok(TABLES, SqlDialect.NOTES + " and " + SqlDialect.BATCHES + " readable")
                    : CheckResult.fail(TABLES, "cannot read " + String.join(", ", unreadable)
                    + ": check sqlserver.jdbc-url names the clinic database and the login's permissions"));
            connection.rollback();
        } catch (SQLException e) {
            results.add(CheckResult.fail(REACHABLE, "not reachable (SQLState " + e.getSQLState() + ": " + ErrorText.withRootCause(e)
                    + "): check sqlserver.jdbc-url (env SQLSERVER_JDBC_URL), the login and the network"));
            NAMES.stream().skip(1).forEach(name -> results.add(CheckResult.skip(name, "SQL Server is not reachable")));
        }
        return results;
    }

    /** @return null when the probe ran, else why not */
    private static String probe(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeQuery().close();
            return null;
        } catch (SQLException e) {
            if (connection.isClosed()) {
                throw e;
            }
            connection.rollback();
            return SqlErrors.describe(e).lines().findFirst().orElse("");
        }
    }
}
