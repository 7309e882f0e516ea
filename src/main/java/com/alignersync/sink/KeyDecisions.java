package com.alignersync.sink;

import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.FieldStamp;
import com.alignersync.event.Input;
import com.alignersync.sink.DedupRules.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where the sink decides each key of a batch against its ledger entry: which copy of the key
 * (if any) is written, which fields of it, what the ledger records, and what every other copy's
 * outcome is. {@link SqlServerSink#apply} and {@link SqlServerSink#preview} both decide here, so
 * a dry run and the real run cannot disagree on anything the ledger settles. The rules
 * themselves are {@link DedupRules}'; this applies them to several copies of one key in order.
 */
final class KeyDecisions {

    private KeyDecisions() {
    }

    /**
     * Events grouped by key, keys in one global order so that concurrent transactions lock alike.
     *
     * @param ignored the outcomes of the events that do not concern the clinic, by index; null for the others
     * @param inputs  the inputs the batch came from (one, except for a dead-letter replay): whose health it tells
     */
    record Plan(EventOutcome[] ignored, Map<SinkKey, List<Integer>> groups, Set<Input> inputs) {
    }

    static Plan plan(List<ChangeEvent> events) {
        EventOutcome[] ignored = new EventOutcome[events.size()];
        Map<SinkKey, List<Integer>> groups = new TreeMap<>(SinkKey.ORDER);
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent event = events.get(i);
            String reason = TargetWriter.ignoredReason(event);
            if (reason != null) {
                ignored[i] = new EventOutcome(event, Outcome.IGNORED, reason);
            } else {
                groups.computeIfAbsent(new SinkKey(event.table(), event.key()), k -> new ArrayList<>(1)).add(i);
            }
        }
        Set<Input> inputs = EnumSet.noneOf(Input.class);
        events.forEach(event -> inputs.add(event.input()));
        return new Plan(ignored, groups, inputs);
    }

    /**
     * An equal-version copy with different content, and which copy the tie-break kept.
     *
     * @param incomingApplied whether the incoming copy won (else the applied one keeps its place)
     */
    record Conflict(ChangeEvent event, DedupRules.TieBreak tieBreak, boolean incomingApplied) {

        String rule() {
            return tieBreak == DedupRules.TieBreak.LSN ? " the later LSN wins" : " the greater content hash wins (deterministic)";
        }
    }

    /**
     * @param winner    the index of the event to write, or -1 when none is written
     * @param state     the ledger entry to record once the winner is written
     * @param conflicts the equal-version conflicts met, in batch order
     * @param fields    the synced fields of the winner to write ({@link DedupRules#ALL_FIELDS}: all)
     */
    record KeyDecision(SinkKey key, int winner, LedgerEntry state, List<Conflict> conflicts, Set<String> fields) {
    }

    /**
     * Decides every event of one key against its (locked) ledger entry; fills in the outcomes of
     * the events not written (the winner's depends on the clinic's row: the caller's).
     *
     * @param applied the key's ledger entry as the transaction found it, null for a key never seen
     */
    static KeyDecision decide(LedgerEntry applied, SinkKey key, List<Integer> indexes, List<ChangeEvent> events, EventOutcome[] outcomes) {
        LedgerEntry state = applied;
        int winner = -1;
        int newest = -1;
        Set<String> fields = Set.of();
        List<Conflict> conflicts = new ArrayList<>(0);
        for (int index : indexes) {
            ChangeEvent event = events.get(index);
            long version = versionOf(event, state);
            DedupRules.Decision decision = DedupRules.decide(state, incoming(event, version));
            Verdict verdict = decision.verdict();
            switch (verdict) {
                case APPLY, APPLY_CONFLICT_WINNER -> {
                    if (verdict == Verdict.APPLY_CONFLICT_WINNER) {
                        conflicts.add(new Conflict(event, decision.tieBreak(), true));
                    }
                    if (winner >= 0) {
                        outcomes[winner] = new EventOutcome(events.get(winner), Outcome.SUPERSEDED, "a newer version in the same batch was applied");
                    }
                    winner = index;
                    fields = decision.fields();
                }
                case DUPLICATE -> outcomes[index] = new EventOutcome(event, Outcome.DUPLICATE, "version " + version + " already applied");
                case STALE -> outcomes[index] = new EventOutcome(event, Outcome.STALE, "version " + version + " is older than the applied "
                        + (state.tombstone() ? "delete (" : "version (") + state.version() + ")");
                case CONFLICT_LOSER -> {
                    conflicts.add(new Conflict(event, decision.tieBreak(), false));
                    outcomes[index] = new EventOutcome(event, Outcome.CONFLICT, "same version " + version + " as applied, different content; applied copy kept");
                }
                case SAME_CONTENT -> outcomes[index] = new EventOutcome(event, Outcome.UNCHANGED,
                        "nothing that flows back changed since the version applied (rule 6): version advanced, nothing written");
                case CLINIC_ORIGIN -> outcomes[index] = new EventOutcome(event, Outcome.UNCHANGED,
                        "the clinic's own change, forward-synced to the portal (origin clinic): recorded as seen, not written back");
            }
            if (decision.next() != state) {
                newest = index;
            }
            state = decision.next();
        }
        // Several copies of a stamped row in one batch: the newest copy's stamps tell the last
        // change of every field, so what a doctor changed since the ledger (as the batch found
        // it) is read from it alone: a field changed by an earlier copy of the batch is written
        // too, and one the clinic changed again later in the batch is not written back.
        if (winner >= 0 && newest >= 0 && !events.get(newest).isDelete() && !events.get(winner).isDelete() && !isRepair(events.get(newest))) {
            List<FieldStamp> stamps = ChangeEvents.stamps(key.table(), events.get(newest).after());
            Set<String> since = stamps == null ? null : DedupRules.portalFieldsSince(applied, stamps);
            // Nothing since the ledger, yet the newest copy won: it won an equal-version tie-break
            // against the ledger's own version, which its stamps cannot exceed. It replaces the
            // applied copy whole, as DedupRules decided; the stamps have nothing to narrow.
            boolean tieBreakWinner = since != null && since.isEmpty() && newest == winner;
            if (since != null && !tieBreakWinner) {
                if (newest != winner) {
                    outcomes[winner] = new EventOutcome(events.get(winner), Outcome.SUPERSEDED, "a newer copy in the same batch carries its fields");
                }
                winner = since.isEmpty() ? -1 : newest;
                fields = since;
            }
        }
        return new KeyDecision(key, winner, state, conflicts, fields);
    }

    /**
     * What {@link SqlServerSink#apply} would decide for these events against these ledger
     * entries, without the clinic's rows: the winner of each key is APPLIED ("newer than
     * anything applied, with something a doctor changed"), where the write may yet find the
     * value already there (UNCHANGED) or a key conflict or unknown batch (DEAD_LETTER).
     */
    static List<Outcome> preview(List<ChangeEvent> events, Plan plan, Map<SinkKey, LedgerEntry> ledger) {
        EventOutcome[] outcomes = Arrays.copyOf(plan.ignored(), events.size());
        for (Map.Entry<SinkKey, List<Integer>> group : plan.groups().entrySet()) {
            KeyDecision decision = decide(ledger.get(group.getKey()), group.getKey(), group.getValue(), events, outcomes);
            if (decision.winner() >= 0) {
                outcomes[decision.winner()] = new EventOutcome(events.get(decision.winner()), Outcome.APPLIED, "would be written");
            }
        }
        return Arrays.stream(outcomes).map(o -> o == null ? null : o.outcome()).toList();
    }

    /** A repair copy (verify --repair) re-asserts the portal's row against SQL Server changed behind the ledger's back. */
    private static boolean isRepair(ChangeEvent event) {
        return event.input() == Input.RECONCILE && !event.isDelete();
    }

    private static DedupRules.Incoming incoming(ChangeEvent event, long version) {
        Long lsn = event.position() != null && event.position().lsn() != 0 ? event.position().lsn() : null;
        List<FieldStamp> stamps = event.isDelete() ? null : ChangeEvents.stamps(event.table(), event.after());
        return new DedupRules.Incoming(version, event.contentHash(), event.isDelete(), lsn, stamps, isRepair(event));
    }

    /**
     * The event's own version; for a delete whose old row carries none (REPLICA IDENTITY
     * DEFAULT), a version from the portal's side, never the daemon's clock: just after the last
     * version the ledger holds and, when CDC tells the commit time (the portal's clock), not
     * before that, so an older copy delivered later cannot bring the row back. With neither, 0:
     * the delete applies, and any copy of the row the portal still sends is newer.
     */
    private static long versionOf(ChangeEvent event, LedgerEntry state) {
        if (event.hasKnownVersion()) {
            return event.version();
        }
        Long committed = event.position() != null && event.position().commitTime() != null
                ? ChangeEvents.toMicros(event.position().commitTime())
                : null;
        long afterLedger = state == null ? 0 : state.version() + 1;
        return committed != null ? Math.max(afterLedger, committed) : afterLedger;
    }
}
