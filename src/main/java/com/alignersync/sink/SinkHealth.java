package com.alignersync.sink;

import com.alignersync.event.Input;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * What the sink's last attempts say about SQL Server, for status and readiness: fine, retrying a
 * transient failure, waiting on a lock a clinic session holds (and since when), or misconfigured
 * (with the fix). Kept per input and cleared by that input's next commit, so a webhook that
 * commits does not hide a CDC batch stuck on a missing right; status shows the worst.
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
    private final Map<Input, Snapshot> byInput = new EnumMap<>(Input.class);

    SinkHealth(Clock clock) {
        this.clock = clock;
    }

    /** The worst condition of any input (the later enum constant is the worse). */
    public synchronized Snapshot snapshot() {
        return byInput.values().stream().max(Comparator.comparing(Snapshot::state)).orElse(OK);
    }

    synchronized void committed(Set<Input> inputs) {
        inputs.forEach(byInput::remove);
    }

    synchronized void failed(Set<Input> inputs, SqlErrors.Kind kind, SQLException e) {
        for (Input input : inputs) {
            failed(input, kind, e);
        }
    }

    /** Keys SQL Server refuses, held for want of evidence (sink.RefusalEvidence): retrying, with the reason. */
    synchronized void held(Set<Input> inputs, String detail) {
        for (Input input : inputs) {
            Snapshot current = byInput.getOrDefault(input, OK);
            if (current.state() == State.MISCONFIGURED) {
                continue;
            }
            Instant since = current.state() == State.RETRYING ? current.since() : clock.instant();
            byInput.put(input, new Snapshot(State.RETRYING, since, detail, null));
        }
    }

    /** A misconfiguration the sink concluded itself (every row refused the same way), with its fix. */
    synchronized void misconfigured(Set<Input> inputs, String detail, String fix) {
        for (Input input : inputs) {
            Snapshot current = byInput.getOrDefault(input, OK);
            Instant since = current.state() == State.MISCONFIGURED ? current.since() : clock.instant();
            byInput.put(input, new Snapshot(State.MISCONFIGURED, since, detail, fix));
        }
    }

    private void failed(Input input, SqlErrors.Kind kind, SQLException e) {
        Snapshot current = byInput.getOrDefault(input, OK);
        State state = switch (kind) {
            case MISCONFIGURED -> State.MISCONFIGURED;
            case TRANSIENT -> SqlErrors.isLockWait(e) ? State.WAITING_ON_LOCK : State.RETRYING;
            default -> null;
        };
        if (state == null) {
            return;
        }
        Instant since = current.state() == state ? current.since() : clock.instant();
        byInput.put(input, new Snapshot(state, since, SqlErrors.describe(e), SqlErrors.fix(e)));
    }
}
