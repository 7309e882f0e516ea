package com.alignersync.sink;

import com.alignersync.config.SqlServerConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The connection pool to the clinic's database, its dialect, and the explicit {@code init} of the ledger. */
public final class ClinicDatabase implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final SqlDialect dialect;

    private ClinicDatabase(HikariDataSource dataSource, SqlDialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    /** Opens the pool without connecting: a SQL Server that is down now is retried later, not fatal. */
    public static ClinicDatabase open(SqlServerConfig config) {
        SqlDialect dialect = SqlDialect.forJdbcUrl(config.jdbcUrl());
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("clinic-db");
        hikari.setJdbcUrl(dialect.poolUrl(config.jdbcUrl()));
        if (config.user() != null && !config.user().isEmpty()) {
            hikari.setUsername(config.user());
            hikari.setPassword(config.password());
        }
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(1);
        hikari.setAutoCommit(false);
        hikari.setConnectionTimeout(5_000);
        hikari.setValidationTimeout(3_000);
        hikari.setInitializationFailTimeout(-1);
        String sessionSettings = dialect.sessionSettings(config.lockTimeout());
        if (sessionSettings != null) {
            hikari.setConnectionInitSql(sessionSettings);
        }
        return new ClinicDatabase(new HikariDataSource(hikari), dialect);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public SqlDialect dialect() {
        return dialect;
    }

    /** Creates the ledger table if it is missing; safe to run any number of times. */
    public void initLedger() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String ddl : new LedgerSql(dialect).ddl()) {
                statement.execute(ddl);
            }
            connection.commit();
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
