package com.alignersync.config;

import java.time.Duration;
import java.time.ZoneId;

/**
 * How to reach the clinic's SQL Server (or the H2 stand-in).
 *
 * @param lockTimeout the daemon's sessions' {@code SET LOCK_TIMEOUT}: never wait forever on a clinic user's lock
 */
public record SqlServerConfig(String jdbcUrl, String user, String password, int poolSize, ZoneId timeZone, Duration lockTimeout) {

    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(5);

    public SqlServerConfig(String jdbcUrl, String user, String password, int poolSize, ZoneId timeZone) {
        this(jdbcUrl, user, password, poolSize, timeZone, DEFAULT_LOCK_TIMEOUT);
    }

    public static SqlServerConfig from(ConfigReader reader) {
        String url = reader.requiredString(ConfigKeys.SQLSERVER_JDBC_URL);
        if (url != null && !url.startsWith("jdbc:sqlserver:") && !url.startsWith("jdbc:h2:")) {
            reader.problem(ConfigKeys.SQLSERVER_JDBC_URL.label() + " must start with jdbc:sqlserver: (or jdbc:h2: for the embedded target)");
        }
        return new SqlServerConfig(
                url,
                reader.string(ConfigKeys.SQLSERVER_USER),
                reader.string(ConfigKeys.SQLSERVER_PASSWORD),
                reader.intInRange(ConfigKeys.SQLSERVER_POOL_SIZE, 1, 64),
                reader.zone(ConfigKeys.SQLSERVER_TIME_ZONE),
                reader.millis(ConfigKeys.SQLSERVER_LOCK_TIMEOUT_MS, 1, 600_000));
    }

    /** Never print the password: records print every component, so override. */
    @Override
    public String toString() {
        return "SqlServerConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=****, poolSize=" + poolSize + ", timeZone=" + timeZone
                + ", lockTimeout=" + lockTimeout + "]";
    }
}
