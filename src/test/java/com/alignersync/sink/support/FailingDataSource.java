package com.alignersync.sink.support;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A clinic database that fails on demand as an unreachable SQL Server does for the sink: the
 * pool's "connection is not available" timeout. Down while {@link #down} is set, and for the
 * first {@code failFirst} connection requests.
 */
public final class FailingDataSource implements DataSource {

    public final AtomicBoolean down = new AtomicBoolean();
    /** Connection requests so far, refused or not. */
    public final AtomicInteger calls = new AtomicInteger();
    public final AtomicInteger refused = new AtomicInteger();
    private final DataSource delegate;
    private final int failFirst;

    public FailingDataSource(DataSource delegate, int failFirst) {
        this.delegate = delegate;
        this.failFirst = failFirst;
    }

    public FailingDataSource(DataSource delegate) {
        this(delegate, 0);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (calls.incrementAndGet() <= failFirst || down.get()) {
            refused.incrementAndGet();
            throw new SQLTransientConnectionException("clinic-db - Connection is not available, request timed out");
        }
        return delegate.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
