package com.alignersync.sink;

import static com.alignersync.sink.SqlErrors.Kind.EVENT;
import static com.alignersync.sink.SqlErrors.Kind.MISCONFIGURED;
import static com.alignersync.sink.SqlErrors.Kind.TRANSIENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

    @Test
    void deadlockVictimLockTimeoutAndConnectionLossAreTransient() {
        assertEquals(TRANSIENT, SqlErrors.classify(new SQLException("deadlock victim", "40001", 1205)));
        assertEquals(TRANSIENT, SqlErrors.classify(new SQLException("lock request time out", "S00051", 1222)));
        assertEquals(TRANSIENT, SqlErrors.classify(new SQLException("connection reset", "08S01", 0)));
        assertEquals(TRANSIENT, SqlErrors.classify(new SQLTransientConnectionException("pool timeout")));
    }

    @Test
    void constraintAndConversionErrorsDoomOnlyTheEvent() {
        assertEquals(EVENT, SqlErrors.classify(new SQLException("duplicate key", "23000", 2627)));
        assertEquals(EVENT, SqlErrors.classify(new SQLException("arithmetic overflow", "22003", 8115)));
        assertEquals(EVENT, SqlErrors.classify(new SQLException("String or binary data would be truncated", "S0001", 2628)));
    }

    @Test
    void missingObjectsLoginAndPermissionErrorsStopTheSink() {
        assertEquals(MISCONFIGURED, SqlErrors.classify(new SQLException("Invalid object name", "S0002", 208)));
        assertEquals(MISCONFIGURED, SqlErrors.classify(new SQLException("Login failed", "S0001", 18456)));
        assertEquals(MISCONFIGURED, SqlErrors.classify(new SQLException("permission denied", "S0005", 229)));
    }

    @Test
    void aRefusedLoginBehindThePoolsConnectionTimeoutIsAMisconfigurationNotATransientError() {
        // What HikariPool.createTimeoutException throws when every attempt to log in was refused.
        SQLTransientConnectionException pool = new SQLTransientConnectionException(
                "clinic-db - Connection is not available, request timed out after 5000ms", "08001", 18456,
                new SQLException("Login failed for user 'aligner_sync'.", "S0001", 18456));
        assertEquals(MISCONFIGURED, SqlErrors.classify(pool));
        assertTrue(SqlErrors.fix(pool).contains("sqlserver.password"), SqlErrors.fix(pool));

        SQLTransientConnectionException down = new SQLTransientConnectionException("clinic-db - Connection is not available", "08001", 0,
                new SQLException("Connection refused", "08S01", 0));
        assertEquals(TRANSIENT, SqlErrors.classify(down));
    }

    @Test
    void twoRefusalsWithTheSameNumberAndSqlStateAreTheSameWayWhateverRowTheyQuote() {
        SqlErrors.Signature first = SqlErrors.Signature.of(new SQLException("trigger refused note 1", "S0001", 50000));
        assertEquals(first, SqlErrors.Signature.of(new SQLException("trigger refused note 2", "S0001", 50000)));
        assertNotEquals(first, SqlErrors.Signature.of(new SQLException("trigger refused note 1", "S0001", 50001)));
        assertEquals("error 50000, SQLState S0001", first.toString(), "shown without SQL Server's text");
    }

    @Test
    void aLockTimeoutOrACancelledStatementIsALockWait() {
        assertTrue(SqlErrors.isLockWait(new SQLException("lock request time out", "S00051", 1222)));
        assertTrue(SqlErrors.isLockWait(new SQLException("The query has timed out", "HY008", 0)));
        assertFalse(SqlErrors.isLockWait(new SQLException("deadlock victim", "40001", 1205)));
    }

    @Test
    void aMissingTableOrColumnIsRecognisedInBothDialects() {
        assertTrue(SqlErrors.isMissingTableOrColumn(new SQLException("Invalid object name", "S0002", 208)));
        assertTrue(SqlErrors.isMissingTableOrColumn(new SQLException("Invalid column name", "S0001", 207)));
        assertTrue(SqlErrors.isMissingTableOrColumn(new SQLException("Table not found", "42S02", 42102)));
        assertTrue(SqlErrors.isMissingTableOrColumn(new SQLException("Column not found", "42S22", 42122)));
        assertFalse(SqlErrors.isMissingTableOrColumn(new SQLException("Login failed", "S0001", 18456)));
    }
}
