package com.alignersync.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's transactions. <b>A transaction that met an error is never continued</b>: SQL Server
 * may already have rolled it back (a trigger error under {@code XACT_ABORT}); a savepoint
 * rollback and the commit would then silently do nothing while later statements commit on their
 * own. So every error rolls the whole attempt back, and the commit is preceded by an
 * {@code XACT_STATE()} check. An error on a connection that no longer answers is an outage,
 * whatever its number: it comes out as a connection loss, which is retried and never parks a row.
 */
final class Transactions {

    private static final Logger log = LoggerFactory.getLogger(Transactions.class);

    /** What runs inside one transaction. */
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** SQL Server's "The current transaction cannot be committed" (3930): how a transaction found dead before commit is classified. */
    static final int DOOMED_TRANSACTION = 3930;

    private static final int CONNECTION_CHECK_SECONDS = 2;

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final Statements statements;
    private final Duration lockWait;
    private final ReentrantLock singleWriter;

    /** @param lockWait how long a transaction waits for H2's single writer, like any other lock wait */
    Transactions(DataSource dataSource, SqlDialect dialect, Statements statements, Duration lockWait) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.statements = statements;
        this.lockWait = lockWait;
        this.singleWriter = dialect.needsSingleWriter() ? new ReentrantLock(true) : null;
    }

    /**
     * One transaction: the work, the liveness check, the commit. Any failure rolls the whole
     * transaction back and is rethrown: a transaction that met an error is never continued.
     */
    <T> T run(Work<T> work) throws SQLException {
        lockSingleWriter();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                ensureCommittable(connection);
                connection.commit();
                return result;
            } catch (SQLException e) {
                rollbackQuietly(connection);
                throw connectionLost(connection, e);
            } catch (RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } finally {
            if (singleWriter != null) {
                singleWriter.unlock();
            }
        }
    }

    /** Work that only reads (a dry run): rolled back whatever happens, never committed. */
    <T> T readOnly(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                return work.run(connection);
            } finally {
                connection.rollback();
            }
        }
    }

    /**
     * The fact behind "is this an outage?": whatever number the driver gave the error, a
     * connection that no longer answers means SQL Server (or the way to it) went away, and says
     * nothing about the row. Such an error is rethrown as a connection loss (SQLState 08S01, the
     * class every driver uses for it), so it is retried and never parks a row.
     */
    private static SQLException connectionLost(Connection connection, SQLException e) {
        if (SqlErrors.classify(e) == SqlErrors.Kind.TRANSIENT || SqlErrors.classify(e) == SqlErrors.Kind.MISCONFIGURED) {
            return e;
        }
        boolean alive;
        try {
            alive = !connection.isClosed() && connection.isValid(CONNECTION_CHECK_SECONDS);
        } catch (SQLException | RuntimeException check) {
            alive = false;
        }
        return alive ? e : new SQLRecoverableException("the connection to SQL Server was lost (" + SqlErrors.describe(e) + ")",
                SqlErrors.CONNECTION_LOST_STATE, e.getErrorCode(), e);
    }

    /** H2 ignores lock hints, so its writers queue here; bounded like any other lock wait. */
    private void lockSingleWriter() throws SQLException {
        if (singleWriter == null) {
            return;
        }
        try {
            if (!singleWriter.tryLock(lockWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SQLTimeoutException("another sink transaction held the writer lock for " + lockWait.toSeconds()
                        + " s", "HYT00");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientException("interrupted while waiting for the writer lock", e);
        }
    }

    private void ensureCommittable(Connection connection) throws SQLException {
        try (PreparedStatement probe = statements.prepare(connection, dialect.transactionStateProbe()); ResultSet rs = probe.executeQuery()) {
            int state = rs.next() ? rs.getInt(1) : 0;
            if (state != 1) {
                throw new SQLException("SQL Server ended the transaction before the commit (XACT_STATE() = " + state + "): nothing of it"
                        + " is committed", "25000", DOOMED_TRANSACTION);
            }
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("sink: rollback after failure also failed: {}", e.getMessage());
        }
    }
}
