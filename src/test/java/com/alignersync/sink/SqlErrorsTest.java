package com.alignersync.sink;

import static com.alignersync.sink.SqlErrors.Kind.EVENT;
import static com.alignersync.sink.SqlErrors.Kind.MISCONFIGURED;
import static com.alignersync.sink.SqlErrors.Kind.TRANSIENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
