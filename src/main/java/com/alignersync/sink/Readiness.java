package com.alignersync.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;

/**
 * Whether the sink can take a batch now, for {@code /ready}, status and the availability gauge:
 * SQL Server answers, the ledger exists with this release's columns, the clinic's tables can be
 * read, and the last writes found no misconfiguration. Each failure's message names the fix.
 */
final class Readiness {

    private final DataSource dataSource;
    private final Statements statements;
    private final SinkHealth health;
    private final Clock clock;

    Readiness(DataSource dataSource, Statements statements, SinkHealth health, Clock clock) {
        this.dataSource = dataSource;
        this.statements = statements;
        this.health = health;
        this.clock = clock;
    }

    void check() throws SinkUnavailableException {
        SinkHealth.Snapshot last = health.snapshot();
        if (last.state() == SinkHealth.State.MISCONFIGURED) {
            // The probes below only read; the write that was refused says more.
            throw new SinkMisconfiguredException(last.warning(clock.instant()), null);
        }
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement probe = statements.prepare(connection, LedgerSql.PROBE)) {
                probe.executeQuery().close();
            }
            for (String table : List.of(ClinicSql.NOTES, ClinicSql.BATCHES)) {
                try (PreparedStatement probe = statements.prepare(connection, ClinicSql.tableProbe(table))) {
                    probe.executeQuery().close();
                } catch (SQLException e) {
                    throw new SinkUnavailableException("the clinic table " + table + " cannot be read (" + SqlErrors.describe(e)
                            + "): check sqlserver.jdbc-url points at the clinic database and the login may read it", e);
                }
            }
            connection.rollback();
        } catch (SQLException e) {
            // A missing column: a ledger from an older release, without the columns init adds now.
            if (SqlErrors.isMissingTableOrColumn(e)) {
                throw new LedgerMissingException("the ledger table " + LedgerSql.TABLE + " does not exist or predates this release: run"
                        + " 'java -jar target/aligner-sync.jar init' (or 'init --print' for a DBA to run)", e);
            }
            if (SqlErrors.fix(e) != null) {
                throw new SinkMisconfiguredException("SQL Server refuses the daemon (" + SqlErrors.describe(e) + "); fix: " + SqlErrors.fix(e), e);
            }
            throw new SinkUnavailableException("SQL Server is not reachable: " + SqlErrors.describe(e), e);
        }
    }
}
