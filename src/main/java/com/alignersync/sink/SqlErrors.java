package com.alignersync.sink;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one error classifier: what a SQL error means for the batch that met it. The numbers are
 * SQL Server's ({@code sys.messages}); H2's equivalents are classified by SQLState and code.
 */
public final class SqlErrors {

    /** What a failure means for the batch. */
    public enum Kind {
        /** Connection loss, deadlock victim, lock or query timeout: retry with backoff; nothing is parked. */
        TRANSIENT,
        /** This row's data can never be written as it is (constraint, conversion, truncation): isolate at once, park the row. */
        EVENT,
        /**
         * Anything else SQL Server refused, typically a clinic trigger's {@code THROW}/{@code RAISERROR}
         * (50000+) or a transaction the trigger ended (3609): retried a few times in case it passes,
         * then the batch is applied key by key and the key that fails alone is parked.
         */
        REFUSED,
        /** The daemon is set up wrong (login, permission, missing table or column): stop writing, hold positions, say the fix. */
        MISCONFIGURED
    }

    // 1205 deadlock victim, 1222 lock request time-out, -2 client timeout, 4060 database not
    // available yet (failover), 233/10053/10054/10060 transport, 40197/40501/40613/49918-49920
    // Azure SQL throttling and failover.
    private static final Set<Integer> SQLSERVER_TRANSIENT = Set.of(1205, 1222, -2, 40197, 40501, 40613, 49918, 49919, 49920, 4060, 233, 10053, 10054, 10060);
    // H2 (the embedded default's clinic database), which reports a lost connection under its own
    // numbers, not class 08: 90067 connection broken, 90121 database already closed, 90098
    // database closed or corrupted, 90028 I/O exception, 90117 remote connections refused.
    private static final Set<Integer> H2_CONNECTION_LOST = Set.of(90067, 90121, 90098, 90028, 90117);
    /** The SQLState of a lost connection (SQL Server's and mssql-jdbc's 08S01). */
    public static final String CONNECTION_LOST_STATE = "08S01";
    // 2627/2601 duplicate key, 547 constraint, 515 null, 8152/2628 truncation,
    // 241/242/8115 conversion and overflow.
    private static final Set<Integer> SQLSERVER_EVENT = Set.of(2627, 2601, 547, 515, 8152, 2628, 241, 242, 8115);
    // What each misconfiguration needs from an operator, by SQL Server error number.
    private static final Map<Integer, String> SQLSERVER_MISCONFIGURED = Map.ofEntries(
            Map.entry(18456, "the login failed: check sqlserver.user and sqlserver.password (env SQLSERVER_USER, SQLSERVER_PASSWORD)"),
            Map.entry(18452, "the login is from an untrusted domain: use a SQL login or run the daemon as the Windows account SQL Server trusts"),
            Map.entry(229, "permission denied: run 'aligner-sync check' for the GRANT statements the login needs"),
            Map.entry(230, "permission denied on a column: run 'aligner-sync check' for the GRANT statements the login needs"),
            Map.entry(262, "permission denied in the database: run 'aligner-sync check' for the GRANT statements the login needs"),
            Map.entry(297, "the login has no access to this database: map it to a user there"),
            Map.entry(916, "the login cannot open the database named in sqlserver.jdbc-url: map it to a user there"),
            Map.entry(1088, "SET IDENTITY_INSERT on dbo.tblAlignerNotes was refused: GRANT ALTER ON dbo.tblAlignerNotes TO <login>"),
            Map.entry(208, "a table is missing: check sqlserver.jdbc-url names the clinic database, and run 'aligner-sync init' for the ledger"),
            Map.entry(207, "a column is missing: the clinic tables differ from the documented schema (docs: the target tables)"),
            Map.entry(2812, "a stored procedure is missing (sp_set_session_context needs SQL Server 2016 or later)"));
    // H2 (the embedded and test target): 42102 table, 42122 column not found, 90096 not enough rights, 28000 wrong user/password.
    private static final Map<Integer, String> H2_MISCONFIGURED = Map.of(
            42102, SQLSERVER_MISCONFIGURED.get(208),
            42122, SQLSERVER_MISCONFIGURED.get(207),
            90096, SQLSERVER_MISCONFIGURED.get(229),
            28000, SQLSERVER_MISCONFIGURED.get(18456));

    private SqlErrors() {
    }

    public static Kind classify(SQLException e) {
        // Before the exception's class: the pool wraps a refused login (18456) or a failed session
        // setting in SQLTransientConnectionException, and a wrong password must not look transient.
        if (fix(e) != null) {
            return Kind.MISCONFIGURED;
        }
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return Kind.TRANSIENT;
        }
        String state = state(e);
        int code = e.getErrorCode();
        // HY008: mssql-jdbc's "The query has timed out" (JDBC query timeout); HYT00/HYT01 other drivers' timeouts.
        if (H2_CONNECTION_LOST.contains(code) && !state.startsWith("S")) {
            return Kind.TRANSIENT;
        }
        if (state.startsWith("08") || state.equals("40001") || state.equals("HYT00") || state.equals("HYT01") || state.equals("HY008")
                || SQLSERVER_TRANSIENT.contains(code)) {
            return Kind.TRANSIENT;
        }
        if (state.startsWith("23") || state.startsWith("22") || SQLSERVER_EVENT.contains(code)) {
            return Kind.EVENT;
        }
        return Kind.REFUSED;
    }

    /** For a misconfiguration, here or in the causes the pool wrapped it in: what the operator must do; null otherwise. */
    public static String fix(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                String fix = ownFix(sql);
                if (fix != null) {
                    return fix;
                }
            }
        }
        return null;
    }

    private static String ownFix(SQLException e) {
        String fix = SQLSERVER_MISCONFIGURED.get(e.getErrorCode());
        if (fix == null && !state(e).startsWith("S")) {
            // SQL Server's states start with S (S0001...); H2's are the standard five characters.
            fix = H2_MISCONFIGURED.get(e.getErrorCode());
        }
        if (fix == null && (state(e).equals("42S02") || state(e).equals("42S22"))) {
            fix = SQLSERVER_MISCONFIGURED.get(state(e).equals("42S02") ? 208 : 207);
        }
        return fix;
    }

    /**
     * An error's identity for telling refusals apart: SQL Server's error number and the SQLState.
     * Two refusals with the same signature are "refused the same way" (a broken trigger, a new
     * NOT NULL column), whatever row they quote.
     */
    public record Signature(int code, String sqlState) {

        public static Signature of(SQLException e) {
            return new Signature(e.getErrorCode(), e.getSQLState());
        }

        /** As logs, status and dead letters show it: the numbers, never SQL Server's text. */
        @Override
        public String toString() {
            return "error " + code + ", SQLState " + sqlState;
        }
    }

    /** 1222 lock request time-out, or a statement cancelled by its query timeout (most often a lock wait too). */
    public static boolean isLockWait(SQLException e) {
        return e.getErrorCode() == 1222 || "HY008".equals(e.getSQLState());
    }

    /**
     * A table or column is missing (SQL Server 208/207, H2 42102/42122, or the standard
     * SQLStates): read by the readiness probe of the ledger as "init has not run, or ran with
     * an older release" (the columns added since).
     */
    public static boolean isMissingTableOrColumn(SQLException e) {
        String state = state(e);
        int code = e.getErrorCode();
        return state.equals("42S02") || state.equals("42S04") || state.equals("42S22") || code == 208 || code == 42102 || code == 207
                || code == 42122;
    }

    /** The login lacks a permission: SQL Server 229 (object), 230 (column), 262 (database), 1088 (IDENTITY_INSERT); H2 90096. */
    public static boolean isPermissionDenied(SQLException e) {
        int code = e.getErrorCode();
        return code == 229 || code == 230 || code == 262 || code == 1088 || (code == 90096 && !state(e).startsWith("S"));
    }

    private static final String REFUSED_WRITE = "SQL Server refused the write";
    private static final Pattern REFUSED_WRITE_REASON = Pattern.compile("^(" + REFUSED_WRITE + " \\([^)]*\\)):.*", Pattern.DOTALL);

    /** A dead letter's reason for a row SQL Server refused: its error number, SQLState and text. */
    public static String refusedWrite(SQLException e) {
        return REFUSED_WRITE + " (" + Signature.of(e) + "): " + e.getMessage();
    }

    /**
     * A reason without SQL Server's own text, for what is shown unauthenticated (status, the
     * console): messages such as 2628 and 245 quote the row's value, a trigger's THROW anything.
     */
    public static String withoutServerText(String reason) {
        Matcher refused = REFUSED_WRITE_REASON.matcher(reason);
        return refused.matches() ? refused.group(1) + "; SQL Server's message is in the dead-letter file ('aligner-sync dead-letters list')"
                : reason;
    }

    /**
     * A log-safe description: SQL state and vendor code, and the driver's message only where it
     * cannot quote a row (a connection, a lock, a login or a right). A refusal's message can
     * (2627's key, 2628's truncated value, a trigger's THROW anything): logs, status and webhook
     * answers get its number; the dead-letter file ({@link #refusedWrite}) keeps the text.
     */
    public static String describe(SQLException e) {
        String numbers = "SQLState " + e.getSQLState() + ", code " + e.getErrorCode();
        Kind kind = classify(e);
        if (kind == Kind.TRANSIENT || kind == Kind.MISCONFIGURED) {
            return numbers + ": " + e.getMessage();
        }
        return numbers + " (SQL Server's message is not shown: it may quote the row)";
    }

    private static String state(SQLException e) {
        return e.getSQLState() == null ? "" : e.getSQLState();
    }
}
