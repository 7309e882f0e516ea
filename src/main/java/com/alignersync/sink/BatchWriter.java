package com.alignersync.sink;

import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.SourceTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transaction's work for a set of keys, in a handful of statements whatever the batch size:
 * lock their ledger entries, decide each key ({@link KeyDecisions}), lock the clinic rows of the
 * winners, plan their writes ({@link TargetWriter}) past the {@link PingPongBreaker}, then write
 * them and the ledger as JDBC batches. Only after the commit do {@link RefusalEvidence} and the
 * breaker learn which keys were written.
 */
final class BatchWriter {

    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

    private final Transactions transactions;
    private final Ledger ledger;
    private final TargetWriter writer;
    private final RefusalEvidence evidence;
    private final PingPongBreaker breaker;
    private final SinkMetrics metrics;
    private final Clock clock;

    BatchWriter(Transactions transactions, Ledger ledger, TargetWriter writer, RefusalEvidence evidence, PingPongBreaker breaker,
                SinkMetrics metrics, Clock clock) {
        this.transactions = transactions;
        this.ledger = ledger;
        this.writer = writer;
        this.evidence = evidence;
        this.breaker = breaker;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** What one transaction did: equal-version conflicts met, and the keys whose clinic row it wrote, with the content written. */
    private record Applied(int conflicts, Map<SinkKey, String> written) {
    }

    /**
     * These keys in one transaction; fills in the outcome of each of their events.
     *
     * @return the equal-version conflicts met
     * @throws SQLException the transaction is rolled back, nothing of it committed
     */
    int commit(List<ChangeEvent> events, Map<SinkKey, List<Integer>> groups, EventOutcome[] outcomes) throws SQLException {
        Applied applied = transactions.run(connection -> applyKeys(connection, events, groups, outcomes));
        evidence.committed(applied.written().keySet());
        applied.written().forEach(breaker::written);
        return applied.conflicts();
    }

    private Applied applyKeys(Connection connection, List<ChangeEvent> events, Map<SinkKey, List<Integer>> groups,
                              EventOutcome[] outcomes) throws SQLException {
        Map<SinkKey, LedgerEntry> applied = ledger.lock(connection, groups.keySet());
        int conflicts = 0;
        List<KeyDecisions.KeyDecision> winners = new ArrayList<>();
        // Rule 6 and the clinic's own changes move only the ledger's version: recorded without a write.
        List<Ledger.Update> advances = new ArrayList<>();
        for (Map.Entry<SinkKey, List<Integer>> group : groups.entrySet()) {
            LedgerEntry before = applied.get(group.getKey());
            KeyDecisions.KeyDecision decision = KeyDecisions.decide(before, group.getKey(), group.getValue(), events, outcomes);
            decision.conflicts().forEach(this::report);
            conflicts += decision.conflicts().size();
            if (decision.winner() >= 0) {
                winners.add(decision);
            } else if (decision.state() != null && !decision.state().equals(before)) {
                advances.add(new Ledger.Update(group.getKey().table(), group.getKey().key(), decision.state(),
                        events.get(group.getValue().get(group.getValue().size() - 1)).input().name(), before != null));
            }
        }
        if (winners.isEmpty()) {
            ledger.record(connection, advances);
            return new Applied(conflicts, Map.of());
        }
        TargetWriter.Current current = writer.lock(connection,
                winners.stream().filter(d -> d.key().table() == SourceTable.ALIGNER_NOTES).map(d -> d.key().key()).toList(),
                winners.stream().filter(d -> d.key().table() == SourceTable.ALIGNER_BATCHES).map(d -> d.key().key()).toList());
        List<TargetWriter.Write> writes = new ArrayList<>(winners.size());
        List<Ledger.Update> updates = new ArrayList<>(winners.size());
        Map<SinkKey, String> written = new LinkedHashMap<>();
        for (KeyDecisions.KeyDecision decision : winners) {
            ChangeEvent winner = events.get(decision.winner());
            try {
                TargetWriter.Write write = writer.plan(winner, current, decision.fields());
                if (write.outcome() == Outcome.APPLIED && !breaker.mayWrite(decision.key(), winner.contentHash())) {
                    // Parked, not recorded: the key is stopped until an operator replays its dead letters.
                    outcomes[decision.winner()] = new EventOutcome(winner, Outcome.DEAD_LETTER, breaker.reason());
                    metrics.recordBreakerStop();
                    log.error("sink: ALARM: {} stopped by the {}", decision.key(), breaker.reason());
                    continue;
                }
                writes.add(write);
                LedgerEntry state = decision.state();
                if (write.outcome() == Outcome.APPLIED) {
                    state = state.writtenAt(ChangeEvents.toMicros(clock.instant()));
                    written.put(decision.key(), winner.contentHash());
                }
                updates.add(new Ledger.Update(decision.key().table(), decision.key().key(), state, winner.input().name(),
                        applied.containsKey(decision.key())));
                outcomes[decision.winner()] = new EventOutcome(winner, write.outcome(), write.detail());
            } catch (RejectedChangeException e) {
                // Parked, not recorded: a later version of the key meets the same check again.
                outcomes[decision.winner()] = new EventOutcome(winner, Outcome.DEAD_LETTER, e.getMessage());
            }
        }
        writer.execute(connection, writes);
        updates.addAll(advances);
        ledger.record(connection, updates);
        return new Applied(conflicts, written);
    }

    /** Equal versions with different content mean the portal did not version an edit: status and the log say so. */
    private void report(KeyDecisions.Conflict conflict) {
        ChangeEvent event = conflict.event();
        if (conflict.incomingApplied()) {
            metrics.recordTieBreak(event.describe() + " from " + event.input() + ": same version, different content;"
                    + conflict.rule() + ", the incoming copy was applied");
            log.warn("sink: conflict on {}: same version, different content from {};{}, applying the incoming copy",
                    event.describe(), event.input(), conflict.rule());
        } else {
            metrics.recordTieBreak(event.describe() + " from " + event.input() + ": same version, different content;"
                    + conflict.rule() + ", the applied copy was kept");
            log.warn("sink: conflict on {}: same version, different content from {};{}, the applied copy keeps its place",
                    event.describe(), event.input(), conflict.rule());
        }
    }
}
