package com.alignersync.sink;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/** The one error classifier: which SQL errors are worth a retry, which doom only one event. */
public final class SqlErrors {

    /** What a failure means for the batch. */
    public enum Kind {
        /** Connection loss, deadlock victim, lock or query timeout: retry the batch with backoff. */
        TRANSIENT,
        /** This event's data can never be written (constraint, conversion, truncation): dead-letter it. */
        EVENT,
        /** Anything else (missing table, login, permission): the sink is unusable; keep offsets, report. */
        SINK
    }

    // SQL Server: 1205 deadlock victim, 1222 lock request timeout, -2 client timeout,
    // 40197/40501/40613/49918-49920 Azure SQL throttling and failover.
    private static final Set<Integer> SQLSERVER_TRANSIENT = Set.of(1205, 1222, -2, 40197, 40501, 40613, 49918, 49919, 49920, 4060, 233, 10053, 10054, 10060);
    // SQL Server: 2627/2601 duplicate key, 547 constraint, 515 null, 8152/2628 truncation,
    // 241/242/8115 conversion and overflow.
    private static final Set<Integer> SQLSERVER_EVENT = Set.of(2627, 2601, 547, 515, 8152, 2628, 241, 242, 8115);

    private SqlErrors() {
    }

    public static Kind classify(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return Kind.TRANSIENT;
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        if (state.startsWith("08") || state.equals("40001") || state.equals("HYT00") || state.equals("HYT01")
                || SQLSERVER_TRANSIENT.contains(code)) {
            return Kind.TRANSIENT;
        }
        if (state.startsWith("23") || state.startsWith("22") || SQLSERVER_EVENT.contains(code)) {
            return Kind.EVENT;
        }
        return Kind.SINK;
    }

    /** A log-safe one-line description: SQL state, vendor code and the driver's message. */
    public static String describe(SQLException e) {
        return "SQLState " + e.getSQLState() + ", code " + e.getErrorCode() + ": " + e.getMessage();
    }
}
