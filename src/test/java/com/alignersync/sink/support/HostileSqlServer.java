package com.alignersync.sink.support;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A JDBC layer over H2 that behaves like SQL Server where H2 is friendly: armed with a
 * {@link Fault} for a table and key, it raises SQL Server's errors by number, dooms the
 * transaction as SQL Server does, or holds a lock as a clinic session would. Unarmed, it passes
 * everything through, so the sink's contract tests run over it unchanged.
 *
 * <p>What each emulation rests on (SQL Server documentation):
 * <ul>
 * <li>{@link Effect#RAISE}: a statement-level error ("Database Engine error severities": a
 *     constraint violation ends the statement, the transaction stays open and committable).</li>
 * <li>{@link Effect#DOOM}: an error in a trigger ("DML triggers and transactions": triggers run
 *     with {@code XACT_ABORT ON}, an error rolls the whole transaction back and aborts the batch).
 *     {@code @@TRANCOUNT} is 0 afterwards, so mssql-jdbc's {@code rollback(savepoint)}
 *     ({@code IF @@TRANCOUNT > 0 ROLLBACK TRAN sp}) does nothing, and, with implicit transactions
 *     (autocommit off), the next statement opens a NEW transaction that {@code commit()} then
 *     commits: the work before the error is silently gone.</li>
 * <li>{@link Effect#DOOM_UNCOMMITTABLE}: {@code XACT_STATE() = -1} ("XACT_STATE": an error in
 *     a {@code TRY} block under {@code XACT_ABORT ON}): every later statement fails with 3930
 *     until a full rollback; {@code rollback(savepoint)} does nothing; {@code commit()} commits
 *     nothing.</li>
 * <li>{@link Effect#HOLD_LOCK}: another session holds an exclusive lock on the row ("SET
 *     LOCK_TIMEOUT": the default -1 waits forever; with a timeout the statement fails with 1222;
 *     a JDBC query timeout cancels it client-side, SQLState HY008).</li>
 * <li>{@code XACT_STATE()}: the dialect's transaction-state probe is answered with 1 (active,
 *     committable), 0 (no transaction) or -1 (doomed), as SQL Server would.</li>
 * </ul>
 * What it cannot show: lock escalation, range locks, real deadlocks, plan choices (seek vs scan)
 * and the driver's wire types; those need a real SQL Server (the Testcontainers tests).
 */
public final class HostileSqlServer implements DataSource {

    /** What an armed fault does when a statement touches its key. */
    public enum Effect { RAISE, DOOM, DOOM_UNCOMMITTABLE, HOLD_LOCK }

    /** Which statements a fault watches: writes to the table (as a trigger sees them) or any statement naming it (locks). */
    public enum Touch { WRITE, ANY }

    /** One armed fault. {@code remaining} counts how often it still fires (-1: always). */
    public static final class Fault {
        final String table;
        final long key;
        final Touch touch;
        final Effect effect;
        final SqlServerError error;
        volatile long holdUntilNanos;
        final AtomicInteger remaining;
        public final AtomicInteger fired = new AtomicInteger();

        Fault(String table, long key, Touch touch, Effect effect, SqlServerError error, Duration hold, int times) {
            this.table = table.toLowerCase(Locale.ROOT);
            this.key = key;
            this.touch = touch;
            this.effect = effect;
            this.error = error;
            this.holdUntilNanos = hold == null ? 0 : System.nanoTime() + hold.toNanos();
            this.remaining = new AtomicInteger(times);
        }

        boolean matches(String sql, List<Map<Integer, Object>> parameterSets) {
            String lower = sql.toLowerCase(Locale.ROOT);
            if (!lower.contains(table)) {
                return false;
            }
            if (touch == Touch.WRITE && !(lower.startsWith("insert") || lower.startsWith("update") || lower.startsWith("delete")
                    || lower.startsWith("merge"))) {
                return false;
            }
            for (Map<Integer, Object> parameters : parameterSets) {
                for (Object value : parameters.values()) {
                    if (value instanceof Number n && n.longValue() == key) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** The clinic session commits and lets go of its lock now. */
        public void release() {
            holdUntilNanos = System.nanoTime();
        }

        boolean take() {
            if (effect == Effect.HOLD_LOCK) {
                return System.nanoTime() < holdUntilNanos;
            }
            while (true) {
                int left = remaining.get();
                if (left == 0) {
                    return false;
                }
                if (left < 0 || remaining.compareAndSet(left, left - 1)) {
                    return true;
                }
            }
        }
    }

    private static final Pattern SET_LOCK_TIMEOUT = Pattern.compile("(?i)\\s*SET\\s+LOCK_TIMEOUT\\s+(-?\\d+)\\s*;?\\s*");

    private final DataSource h2;
    private final String stateProbe;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<String> onConnect = new CopyOnWriteArrayList<>();
    public final AtomicInteger commits = new AtomicInteger();
    public final AtomicInteger probes = new AtomicInteger();

    /**
     * @param h2         the real database underneath
     * @param stateProbe the SQL the sink sends to ask XACT_STATE() (the H2 dialect's text)
     */
    public HostileSqlServer(DataSource h2, String stateProbe) {
        this.h2 = h2;
        this.stateProbe = stateProbe;
    }

    /** Statements every new connection runs first, as the pool's connection init SQL would. */
    public HostileSqlServer onConnect(String sql) {
        onConnect.add(sql);
        return this;
    }

    /** A clinic trigger on {@code table} that fails for {@code key}: the error by number, {@code times} times (-1: always). */
    public Fault triggerFails(String table, long key, SqlServerError error, Effect effect, int times) {
        return arm(new Fault(table, key, Touch.WRITE, effect, error, null, times));
    }

    /** A clinic session sitting on the row {@code key} of {@code table} for {@code hold}. */
    public Fault holdLock(String table, long key, Duration hold) {
        return arm(new Fault(table, key, Touch.ANY, Effect.HOLD_LOCK, SqlServerError.LOCK_TIMEOUT, hold, -1));
    }

    /** Any statement naming {@code table} with {@code key} fails with {@code error} (a permission, a missing object). */
    public Fault statementFails(String table, long key, SqlServerError error, int times) {
        return arm(new Fault(table, key, Touch.ANY, Effect.RAISE, error, null, times));
    }

    private Fault arm(Fault fault) {
        faults.add(fault);
        return fault;
    }

    public void disarm() {
        faults.clear();
    }

    private volatile long downUntilNanos;

    /**
     * SQL Server goes away for {@code duration}: new connections are refused and every open
     * connection is broken (its next call fails, it reports itself closed and invalid), with
     * H2's numbers over TCP (90067 "Connection is broken"), as the embedded default's driver
     * reports it; SQL Server's driver says 08S01 instead, which is no harder.
     */
    public void outage(Duration duration) {
        downUntilNanos = System.nanoTime() + duration.toNanos();
    }

    /** SQL Server answers again. */
    public void endOutage() {
        downUntilNanos = 0;
    }

    boolean down() {
        return downUntilNanos != 0 && System.nanoTime() < downUntilNanos;
    }

    static SQLException brokenConnection() {
        return new SQLException("Connection is broken: \"java.net.ConnectException: Connection refused: localhost:9092\" [90067-232]",
                "90067", 90067);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (down()) {
            throw brokenConnection();
        }
        Connection real = h2.getConnection();
        Session session = new Session(real);
        Connection proxy = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, session);
        for (String sql : onConnect) {
            try (Statement statement = proxy.createStatement()) {
                statement.execute(sql);
            }
        }
        return proxy;
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return getConnection();
    }

    /** One connection's view of SQL Server: its transaction state, lock timeout and savepoints. */
    private final class Session implements InvocationHandler {
        final Connection real;
        /** -1 waits forever (SQL Server's default). */
        long lockTimeoutMillis = -1;
        boolean inTransaction;
        boolean uncommittable;
        /** Bumped when SQL Server ends the transaction behind the client's back; older savepoints are gone. */
        int generation;
        final Map<Savepoint, Integer> savepoints = new HashMap<>();

        Session(Connection real) {
            this.real = real;
        }

        boolean broken;

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            broken |= down();
            if (broken) {
                switch (method.getName()) {
                    case "isClosed" -> {
                        return true;
                    }
                    case "isValid" -> {
                        return false;
                    }
                    case "close" -> {
                        real.rollback();
                        real.close();
                        return null;
                    }
                    default -> throw brokenConnection();
                }
            }
            switch (method.getName()) {
                case "prepareStatement" -> {
                    PreparedStatement statement = (PreparedStatement) call(real, method, args);
                    return statementProxy(PreparedStatement.class, statement, (String) args[0]);
                }
                case "createStatement" -> {
                    Statement statement = (Statement) call(real, method, args);
                    return statementProxy(Statement.class, statement, null);
                }
                case "commit" -> {
                    commits.incrementAndGet();
                    if (uncommittable) {
                        // IF @@TRANCOUNT > 0 COMMIT TRAN in a doomed transaction: nothing is committed.
                        real.rollback();
                        endTransaction();
                        return null;
                    }
                    real.commit();
                    endTransaction();
                    return null;
                }
                case "rollback" -> {
                    if (args == null || args.length == 0) {
                        real.rollback();
                        endTransaction();
                        return null;
                    }
                    Savepoint savepoint = (Savepoint) args[0];
                    if (uncommittable || savepoints.getOrDefault(savepoint, -1) != generation) {
                        return null; // IF @@TRANCOUNT > 0 ROLLBACK TRAN sp: the savepoint went with the transaction
                    }
                    real.rollback(savepoint);
                    return null;
                }
                case "setSavepoint" -> {
                    Savepoint savepoint = (Savepoint) call(real, method, args);
                    savepoints.put(savepoint, generation);
                    return savepoint;
                }
                case "unwrap" -> {
                    return real.unwrap((Class<?>) args[0]);
                }
                default -> {
                    return call(real, method, args);
                }
            }
        }

        private void endTransaction() {
            inTransaction = false;
            uncommittable = false;
            savepoints.clear();
        }

        private <T extends Statement> Object statementProxy(Class<T> type, Statement real, String preparedSql) {
            StatementHandler handler = new StatementHandler(this, real, preparedSql);
            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler);
        }

        /** Called before a statement runs; throws what SQL Server would. */
        void beforeExecute(String sql, List<Map<Integer, Object>> parameterSets, int queryTimeoutSeconds) throws SQLException {
            broken |= down();
            if (broken) {
                throw brokenConnection();
            }
            if (uncommittable) {
                throw SqlServerError.UNCOMMITTABLE.exception();
            }
            for (Fault fault : faults) {
                if (fault.matches(sql, parameterSets) && fault.take()) {
                    fault.fired.incrementAndGet();
                    fire(fault, queryTimeoutSeconds);
                }
            }
            inTransaction = true;
        }

        private void fire(Fault fault, int queryTimeoutSeconds) throws SQLException {
            switch (fault.effect) {
                case RAISE -> throw fault.error.exception();
                case DOOM -> {
                    real.rollback();
                    inTransaction = false;
                    generation++;
                    throw fault.error.exception();
                }
                case DOOM_UNCOMMITTABLE -> {
                    real.rollback();
                    generation++;
                    uncommittable = true;
                    throw fault.error.exception();
                }
                case HOLD_LOCK -> waitForLock(fault, queryTimeoutSeconds);
            }
        }

        private void waitForLock(Fault fault, int queryTimeoutSeconds) throws SQLException {
            long start = System.nanoTime();
            long lockDeadline = lockTimeoutMillis < 0 ? Long.MAX_VALUE : start + lockTimeoutMillis * 1_000_000L;
            long queryDeadline = queryTimeoutSeconds <= 0 ? Long.MAX_VALUE : start + queryTimeoutSeconds * 1_000_000_000L;
            while (true) {
                long now = System.nanoTime();
                if (now >= fault.holdUntilNanos) {
                    return;
                }
                if (now >= lockDeadline) {
                    throw SqlServerError.LOCK_TIMEOUT.exception();
                }
                if (now >= queryDeadline) {
                    throw SqlServerError.queryTimeout();
                }
                long next = Math.min(fault.holdUntilNanos, Math.min(lockDeadline, queryDeadline));
                try {
                    Thread.sleep(Math.max(1, Math.min(50, (next - now) / 1_000_000L)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw SqlServerError.queryTimeout();
                }
            }
        }

        /** XACT_STATE(): 1 active and committable, 0 no transaction, -1 doomed. */
        int xactState() {
            return uncommittable ? -1 : inTransaction ? 1 : 0;
        }
    }

    /** Records the bound parameters so faults can match keys; answers the XACT_STATE() probe. */
    private final class StatementHandler implements InvocationHandler {
        final Session session;
        final Statement real;
        final String preparedSql;
        Map<Integer, Object> parameters = new HashMap<>();
        final List<Map<Integer, Object>> batch = new ArrayList<>();
        final List<String> sqlBatch = new ArrayList<>();
        int queryTimeoutSeconds;

        StatementHandler(Session session, Statement real, String preparedSql) {
            this.session = session;
            this.real = real;
            this.preparedSql = preparedSql;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer index && preparedSql != null) {
                parameters.put(index, args[1]);
            }
            switch (name) {
                case "setQueryTimeout" -> queryTimeoutSeconds = (Integer) args[0];
                case "clearParameters" -> parameters = new HashMap<>();
                case "addBatch" -> {
                    if (args == null) {
                        batch.add(parameters);
                        parameters = new HashMap<>(parameters);
                    } else {
                        sqlBatch.add((String) args[0]);
                    }
                }
                case "clearBatch" -> batch.clear();
                case "executeBatch" -> {
                    session.beforeExecute(preparedSql == null ? String.join(";", sqlBatch) : preparedSql,
                            preparedSql == null ? List.of() : List.copyOf(batch), queryTimeoutSeconds);
                    batch.clear();
                    sqlBatch.clear();
                }
                case "execute", "executeQuery", "executeUpdate", "executeLargeUpdate" -> {
                    String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : preparedSql;
                    if (sql.equals(stateProbe) || sql.toUpperCase(Locale.ROOT).contains("XACT_STATE()")) {
                        probes.incrementAndGet();
                        return session.real.createStatement().executeQuery("SELECT " + session.xactState() + " AS XACT_STATE");
                    }
                    Matcher lockTimeout = SET_LOCK_TIMEOUT.matcher(sql);
                    if (lockTimeout.matches()) {
                        session.lockTimeoutMillis = Long.parseLong(lockTimeout.group(1));
                    } else if (!sql.trim().toUpperCase(Locale.ROOT).startsWith("SET ")) {
                        session.beforeExecute(sql, List.of(parameters), queryTimeoutSeconds);
                    }
                }
                default -> {
                }
            }
            return call(real, method, args);
        }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
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
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return h2.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
