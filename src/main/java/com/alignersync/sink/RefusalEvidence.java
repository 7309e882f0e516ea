package com.alignersync.sink;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * Failure accounting across batches and inputs (DESIGN.md section 7): whether a key SQL Server
 * refuses is a bad row, a systemic refusal, or not known yet. Guessing from one batch parked
 * whole streams (a single-key batch never met the "every key refused" threshold, and a new NOT
 * NULL column emptied every input into dead letters), so the verdict rests on evidence:
 * <ul>
 *   <li><b>a bad row</b> ({@link Verdict#PARK}): the key is refused while other keys commit, after it
 *       was first refused, in any batch of any input;</li>
 *   <li><b>systemic</b> ({@link Verdict#SYSTEMIC}): {@code systemicKeys} distinct keys refused the
 *       same way (error number and SQLState) with no commit since the first of them;</li>
 *   <li><b>not known yet</b> ({@link Verdict#HOLD}): neither; the batch is not done, the input keeps its
 *       position and delivers it again, and the evidence gathers meanwhile.</li>
 * </ul>
 * Refusals older than {@code window} are forgotten, so an old refusal does not decide a new one.
 */
final class RefusalEvidence {

    enum Verdict { PARK, SYSTEMIC, HOLD }

    /** @param commitsBefore the commit count when the key was first refused */
    private record Refusal(Instant first, long commitsBefore, int errorCode, String sqlState) {
        boolean sameWay(Refusal other) {
            return errorCode == other.errorCode && Objects.equals(sqlState, other.sqlState);
        }
    }

    private final Clock clock;
    private final Duration window;
    private final int systemicKeys;
    private final Map<SinkKey, Refusal> refused = new HashMap<>();
    private long commits;

    RefusalEvidence(Clock clock, Duration window, int systemicKeys) {
        this.clock = clock;
        this.window = window;
        this.systemicKeys = systemicKeys;
    }

    /** A transaction holding these keys committed: evidence that SQL Server takes rows, and these keys are no longer refused. */
    synchronized void committed(Collection<SinkKey> keys) {
        if (keys.isEmpty()) {
            return;
        }
        commits++;
        keys.forEach(refused::remove);
    }

    /** This key, alone in its transaction, was refused with {@code e}: what the evidence says now. */
    synchronized Verdict refused(SinkKey key, SQLException e) {
        forgetOld();
        Refusal refusal = refused.computeIfAbsent(key, k -> new Refusal(clock.instant(), commits, e.getErrorCode(), e.getSQLState()));
        if (commits > refusal.commitsBefore()) {
            return Verdict.PARK;
        }
        long sameWayNoCommit = refused.values().stream().filter(r -> r.commitsBefore() == commits && r.sameWay(refusal)).count();
        return sameWayNoCommit >= systemicKeys ? Verdict.SYSTEMIC : Verdict.HOLD;
    }

    /** A held key, looked at again after the rest of its batch was tried: PARK if other keys committed since. */
    synchronized Verdict recheck(SinkKey key) {
        Refusal refusal = refused.get(key);
        return refusal != null && commits > refusal.commitsBefore() ? Verdict.PARK : Verdict.HOLD;
    }

    private void forgetOld() {
        Instant oldest = clock.instant().minus(window);
        for (Iterator<Refusal> it = refused.values().iterator(); it.hasNext(); ) {
            if (it.next().first().isBefore(oldest)) {
                it.remove();
            }
        }
    }
}
