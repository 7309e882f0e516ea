package com.alignersync.ops;

import com.alignersync.config.PostgresUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** A plain connection to the portal Postgres for the ops commands, with short timeouts so a dead host answers quickly. */
final class PortalDatabase {

    private PortalDatabase() {
    }

    static Connection connect(PostgresUrl db, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", db.user());
        props.setProperty("password", db.password());
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "5");
        props.setProperty("socketTimeout", "15");
        props.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(db.jdbcUrl(), props);
    }
}
