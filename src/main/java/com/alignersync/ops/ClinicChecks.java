package com.alignersync.ops;

import com.alignersync.config.SqlServerConfig;
import com.alignersync.sink.ClinicDatabase;
import com.alignersync.sink.ClinicSql;
import com.alignersync.sink.LedgerSql;
import com.alignersync.sink.SinkRights;
import com.alignersync.sink.SqlDialect;
import com.alignersync.sink.SqlErrors;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The clinic side of the preflight: SQL Server answers, the ledger exists, the clinic tables can
 * be read, and the login holds every right the sink needs ({@link SinkRights}), one line each
 * with the GRANT that fixes it. Everything runs in a transaction that is rolled back.
 */
final class ClinicChecks {

    static final String REACHABLE = "sql server";
    static final String LEDGER = "ledger";
    static final String TABLES = "clinic tables";
    /** Every check's name, for the SKIP lines when SQL Server cannot be asked; the rights are the same in both dialects. */
    static final List<String> NAMES = java.util.stream.Stream.concat(Stream.of(REACHABLE, ConnectionSecurity.SQL_SERVER, LEDGER, TABLES),
            SinkRights.required(SqlDialect.SQL_SERVER).stream().map(SinkRights.Right::name)).toList();

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
            results.add(ConnectionSecurity.sqlServer(config.jdbcUrl()));
            // The same probes SqlServerSink.checkReady() runs, one line each.
            String ledgerProblem = probe(connection, LedgerSql.PROBE);
            results.add(ledgerProblem == null
                    ? CheckResult.ok(LEDGER, LedgerSql.TABLE + " present")
                    : CheckResult.fail(LEDGER, LedgerSql.TABLE + " cannot be read (" + ledgerProblem + "): run 'aligner-sync init'"
                    + " (or 'init --print' for a DBA to run)"));
            List<String> unreadable = new ArrayList<>();
            for (String table : List.of(ClinicSql.NOTES, ClinicSql.BATCHES)) {
                String problem = probe(connection, ClinicSql.tableProbe(table));
                if (problem != null) {
                    unreadable.add(table + " (" + problem + ")");
                }
            }
            results.add(unreadable.isEmpty()
                    ? CheckResult.ok(TABLES, ClinicSql.NOTES + " and " + ClinicSql.BATCHES + " readable")
                    : CheckResult.fail(TABLES, "cannot read " + String.join(", ", unreadable)
                    + ": check sqlserver.jdbc-url names the clinic database and the login's permissions"));
            connection.rollback();
            for (SinkRights.Right right : SinkRights.required(database.dialect())) {
                results.add(checkRight(connection, right, ledgerProblem != null));
            }
        } catch (SQLException e) {
            results.add(CheckResult.fail(REACHABLE, "not reachable (SQLState " + e.getSQLState() + ": " + ErrorText.withRootCause(e)
                    + "): check sqlserver.jdbc-url (env SQLSERVER_JDBC_URL), the login and the network"));
            NAMES.stream().skip(1).forEach(name -> results.add(CheckResult.skip(name, "SQL Server is not reachable")));
        }
        return results;
    }

    /**
     * Runs the right's zero-row statements and rolls them back: a permission error names the
     * GRANT; any other error (a missing table) is reported by the checks above, not here.
     */
    private CheckResult checkRight(Connection connection, SinkRights.Right right, boolean ledgerMissing) throws SQLException {
        if (ledgerMissing && right.table().equals(LedgerSql.TABLE)) {
            return CheckResult.skip(right.name(), "the ledger does not exist yet (see above)");
        }
        if (right.probes().isEmpty()) {
            return CheckResult.ok(right.name(), "not needed here (H2 accepts explicit NoteIDs)");
        }
        try {
            for (String sql : right.probes()) {
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.execute();
                }
            }
            return CheckResult.ok(right.name(), "granted");
        } catch (SQLException e) {
            if (connection.isClosed()) {
                throw e;
            }
            String problem = SqlErrors.describe(e).lines().findFirst().orElse("");
            return SqlErrors.isPermissionDenied(e)
                    ? CheckResult.fail(right.name(), "denied (" + problem + "): a DBA runs " + right.grant(config.user()))
                    : CheckResult.skip(right.name(), "cannot be probed: " + problem);
        } finally {
            connection.rollback();
        }
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
