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

    /** The first line of a driver message: enough to act on, without a stack of causes. */
    static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    /**
     * The message with the innermost cause appended: a pool's "connection is not available"
     * hides why (login refused, database not found), and that is what the operator must fix.
     */
    static String withRootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? reason(e) : reason(e) + " (cause: " + reason(root) + ")";
    }
}
