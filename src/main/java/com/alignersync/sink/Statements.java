package com.alignersync.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Prepares every statement the sink sends with the JDBC query timeout, so no statement waits
 * without bound (a blocked statement is cancelled client-side and the batch retried); the
 * session's {@code LOCK_TIMEOUT} usually answers first (see {@link SqlDialect#sessionSettings}).
 */
final class Statements {

    private final int timeoutSeconds;

    Statements(Duration timeout) {
        this.timeoutSeconds = (int) Math.max(1, timeout.toSeconds());
    }

    PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setQueryTimeout(timeoutSeconds);
        return statement;
    }
}
