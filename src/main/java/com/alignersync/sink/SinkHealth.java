package com.alignersync.sink;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What the sink's last attempts say about SQL Server, for status and readiness: fine, retrying a
 * transient failure, waiting on a lock a clinic session holds (and since when), or misconfigured
 * (with the fix). Cleared by the next commit.
 */
public final class SinkHealth {

    /** The sink's condition as operators read it. */
    public enum State { OK, RETRYING, WAITING_ON_LOCK, MISCONFIGURED }

    /**
     * @param since  when this condition began (null when OK)
     * @param detail the last error, log-safe; null when OK
     * @param fix    what an operator must do (MISCONFIGURED only)
     */
    public record Snapshot(State state, Instant since, String detail, String fix) {

        /** One line for status and /ready, naming how long and what to do; null when OK. */
        public String warning(Instant now) {
            return switch (state) {
                case OK -> null;
                case RETRYING -> "sink retrying a transient SQL Server error for " + seconds(now) + " s: " + detail;
                case WAITING_ON_LOCK -> "sink waiting on a lock, " + seconds(now) + " s: a clinic session holds a row the sink must"
                        + " write (SQL Server " + detail + "); it retries until the lock goes. Find the session with sp_who2 / "
                        + "sys.dm_tran_locks if this lasts";
                case MISCONFIGURED -> "sink misconfigured, writes stopped (inputs hold their positions): " + detail + ". Fix: " + fix;
            };
        }

        private long seconds(Instant now) {
            return since == null ? 0 : Math.max(0, Duration.between(since, now).toSeconds());
        }
    }

    private static final Snapshot OK = new Snapshot(State.OK, null, null, null);

    private final Clock clock;
    private volatile Snapshot current = OK;

    SinkHealth(Clock clock) {
        this.clock = clock;
    }

    public Snapshot snapshot() {
        return current;
    }

    synchronized void committed() {
        current = OK;
    }

    synchronized void failed(SqlErrors.Kind kind, SQLException e) {
        State state = switch (kind) {
            case MISCONFIGURED -> State.MISCONFIGURED;
            case TRANSIENT -> isLockWait(e) ? State.WAITING_ON_LOCK : State.RETRYING;
            default -> null;
        };
        if (state == null) {
            return;
        }
        Instant since = current.state() == state ? current.since() : clock.instant();
        current = new Snapshot(state, since, SqlErrors.describe(e), SqlErrors.fix(e));
    }

    /** 1222 lock request time-out, or a statement cancelled by its query timeout (most often a lock wait too). */
    static boolean isLockWait(SQLException e) {
        return e.getErrorCode() == 1222 || "HY008".equals(e.getSQLState());
    }
}
