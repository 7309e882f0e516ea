package com.alignersync.sink.support;

import com.alignersync.sink.SqlDialect;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The H2 clinic database seen through {@link HostileSqlServer}: the sink talks to the hostile layer, checks read H2 directly. */
public final class HostileClinicTarget implements ClinicTarget {

    private final H2ClinicTarget h2;
    private final HostileSqlServer hostile;

    public HostileClinicTarget() throws SQLException {
        this.h2 = new H2ClinicTarget();
        this.hostile = new HostileSqlServer(h2.dataSource(), SqlDialect.H2.transactionStateProbe());
    }

    public HostileSqlServer hostile() {
        return hostile;
    }

    @Override
    public DataSource dataSource() {
        return hostile;
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.H2;
    }

    @Override
    public String jdbcUrl() {
        return h2.jdbcUrl();
    }

    @Override
    public void reset() throws SQLException {
        hostile.disarm();
        h2.reset();
    }

    @Override
    public void close() {
        h2.close();
    }
}
