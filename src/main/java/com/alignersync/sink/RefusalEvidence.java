package com.alignersync.sink;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import com.alignersync.event.SourceTable;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Failure accounting across batches and inputs (docs/sqlserver-failures.md): whether a key SQL Server
 * refuses is a bad row, a systemic refusal, or not known yet. Guessing from one batch parked
 * whole streams (a single-key batch never met the "every key refused" threshold, and a new NOT
 * NULL column emptied every input into dead letters), so the verdict rests on evidence:
 * <ul>
 *   <li><b>a bad row</b> ({@link Verdict#PARK}): other keys of the same table commit after it was
 *       first refused, in any batch of any input (a clinic trigger broken for notes says nothing
 *       when batches commit);</li>
 *   <li><b>systemic</b> ({@link Verdict#SYSTEMIC}): {@code systemicKeys} distinct keys refused the
 *       same way (error number and SQLState) with no commit of their table since;</li>
 *   <li><b>not known yet</b> ({@link Verdict#HOLD}): neither; the batch is not done, the input keeps its
 *       position and delivers it again, and the evidence gathers meanwhile.</li>
 * </ul>
 * Refusals older than {@code window} are forgotten, so an old refusal does not decide a new one.
 */
final class RefusalEvidence {

    enum Verdict { PARK, SYSTEMIC, HOLD }

    /** @param commitsBefore the commit count when the key was first refused */
    private record Refusal(Instant first, long commitsBefore, SqlErrors.Signature signature) {
    }

    private final Clock clock;
    private final Duration window;
    private final int systemicKeys;
    private final Map<SinkKey, Refusal> refused = new HashMap<>();
    /** Transactions that wrote rows of each table: the evidence that SQL Server takes that table's rows. */
    private final Map<SourceTable, Long> commits = new EnumMap<>(SourceTable.class);

    RefusalEvidence(Clock clock, Duration window, int systemicKeys) {
        this.clock = clock;
        this.window = window;
        this.systemicKeys = systemicKeys;
    }

    /** A transaction holding these keys committed: evidence that SQL Server takes rows, and these keys are no longer refused. */
    synchronized void committed(Collection<SinkKey> keys) {
        keys.stream().map(SinkKey::table).distinct().forEach(table -> commits.merge(table, 1L, Long::sum));
        keys.forEach(refused::remove);
    }

    /** This key, alone in its transaction, was refused with {@code e}: what the evidence says now. */
    synchronized Verdict refused(SinkKey key, SQLException e) {
        forgetOld();
        long now = commits(key.table());
        Refusal refusal = refused.computeIfAbsent(key, k -> new Refusal(clock.instant(), now, SqlErrors.Signature.of(e)));
        if (now > refusal.commitsBefore()) {
            return Verdict.PARK;
        }
        long sameWayNoCommit = refused.entrySet().stream().filter(r -> r.getKey().table() == key.table()
                && r.getValue().commitsBefore() == now && r.getValue().signature().equals(refusal.signature())).count();
        return sameWayNoCommit >= systemicKeys ? Verdict.SYSTEMIC : Verdict.HOLD;
    }

    /** A held key, looked at again after the rest of its batch was tried: PARK if other keys committed since. */
    synchronized Verdict recheck(SinkKey key) {
        Refusal refusal = refused.get(key);
        return refusal != null && commits(key.table()) > refusal.commitsBefore() ? Verdict.PARK : Verdict.HOLD;
    }

    private long commits(SourceTable table) {
        return commits.getOrDefault(table, 0L);
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
