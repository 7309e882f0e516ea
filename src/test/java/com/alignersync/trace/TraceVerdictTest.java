package com.alignersync.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.event.ChangeEvents;
import com.alignersync.event.SourceTable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every verdict {@code trace} can give, from the facts that produce it (docs/operations.md, "Changes not syncing?"). */
class TraceVerdictTest {

    private static final SourceTable BATCHES = SourceTable.ALIGNER_BATCHES;
    private static final Instant EDIT = Instant.parse("2026-12-03T10:03:00Z");
    private static final long V = ChangeEvents.toMicros(EDIT);
    private static final Instant NOW = EDIT.plusSeconds(180);

    private static Trace.Side portal(long version, int days) {
        return new Trace.Side(version, Map.of("days", (long) days));
    }

    private static Trace.Side clinic(int days) {
        return new Trace.Side(null, Map.of("days", (long) days));
    }

    private static DecisionJournal.Entry entry(Instant at, String input, long version, String outcome, String detail) {
        return new DecisionJournal.Entry(at, input, "aligner_batches", 4, "UPDATE", version, "abcdef012345", outcome, detail, null);
    }

    private static String verdict(Trace.Side portal, Trace.Side clinic, Trace.Ledger ledger, List<DecisionJournal.Entry> history,
                                  Trace.Delivery delivery) {
        return Trace.of(BATCHES, 4, portal, clinic, ledger, history, delivery, NOW).verdict();
    }

    @Test
    void anAppliedEditSaysSinceWhenAndHowLongAfterThePortal() {
        Trace trace = Trace.of(BATCHES, 4, portal(V, 10), clinic(10), new Trace.Ledger(V, false, "CDC", EDIT.plusMillis(400)),
                List.of(entry(EDIT.plusMillis(400), "CDC", V, "APPLIED", "Days 14 -> 10")), Trace.Delivery.UNKNOWN, NOW);
        assertTrue(trace.agree());
        assertEquals("in SQL Server since 2026-12-03T10:03:00.400Z, 0 s after the portal (delivered by CDC)", trace.verdict());
    }

    @Test
    void anEditNothingDeliveredYetSaysWhereTheInputsAre() {
        String verdict = verdict(portal(V, 10), clinic(14), new Trace.Ledger(V - 1_000_000, false, "CDC", EDIT.minusSeconds(1)), List.of(),
                new Trace.Delivery(EDIT.minusSeconds(5), EDIT.minusSeconds(1800), EDIT.plusSeconds(1800)));
        assertTrue(verdict.startsWith("the portal has version 2026-12-03T10:03:00Z, nothing has delivered it yet: CDC has handled the"
                + " portal up to 2026-12-03T10:02:55Z (185 s behind)"), verdict);
        assertTrue(verdict.contains("the next is at 2026-12-03T10:33:00Z"), verdict);
    }

    @Test
    void aParkedEditSaysWhyAndTheReplayCommand() {
        String verdict = verdict(portal(V, 10), clinic(14), null, List.of(entry(EDIT.plusSeconds(1), "WEBHOOK", V, "DEAD_LETTER",
                "SQL Server refused the write (error 547, SQLState 23000); SQL Server's message is in the dead-letter file")), Trace.Delivery.UNKNOWN);
        assertTrue(verdict.startsWith("parked at 2026-12-03T10:03:01Z: SQL Server refused the write (error 547"), verdict);
        assertTrue(verdict.endsWith("aligner-sync dead-letters replay --reason 'error 547'"), verdict);
    }

    @Test
    void anEditDeliveredButNotCommittedSaysWhy() {
        String verdict = verdict(portal(V, 10), clinic(14), null, List.of(entry(EDIT.plusSeconds(2), "CDC", V, DecisionJournal.NOT_COMMITTED,
                "SQL Server failed 5 times in a row on a batch of 1 keys")), Trace.Delivery.UNKNOWN);
        assertEquals("delivered by CDC at 2026-12-03T10:03:02Z but not committed: SQL Server failed 5 times in a row on a batch of 1 keys."
                + " The input keeps it and tries again", verdict);
    }

    @Test
    void theClinicsOwnChangeIsNamedAsSuch() {
        String verdict = verdict(portal(V, 21), clinic(28), new Trace.Ledger(V, false, "CDC", EDIT), List.of(entry(EDIT, "CDC", V, "UNCHANGED",
                "the clinic's own change, forward-synced to the portal (origin clinic): recorded as seen, not written back")), Trace.Delivery.UNKNOWN);
        assertTrue(verdict.startsWith("the portal's latest change is the clinic's own"), verdict);
    }

    @Test
    void sqlServerChangedAfterTheDecisionPointsToRepair() {
        String verdict = verdict(portal(V, 10), clinic(30), new Trace.Ledger(V, false, "CDC", EDIT),
                List.of(entry(EDIT, "CDC", V, "APPLIED", "Days 14 -> 10")), Trace.Delivery.UNKNOWN);
        assertTrue(verdict.startsWith("SQL Server differs from the portal although the portal's version was decided (APPLIED at"), verdict);
        assertTrue(verdict.contains("verify --repair"), verdict);
    }

    @Test
    void agreementWithoutAWriteOfOurOwnIsSaidPlainly() {
        Trace trace = Trace.of(BATCHES, 4, portal(V, 14), clinic(14), null, List.of(), Trace.Delivery.UNKNOWN, NOW);
        assertEquals("SQL Server and the portal agree", trace.verdict());
    }

    @Test
    void rowsOnOneSideOnlyAreExplained() {
        assertEquals("neither the portal nor SQL Server has this batch", verdict(null, null, null, List.of(), Trace.Delivery.UNKNOWN));
        assertTrue(verdict(null, clinic(14), new Trace.Ledger(V, true, "RECONCILE", EDIT), List.of(), Trace.Delivery.UNKNOWN)
                .startsWith("deleted in the portal (decided 2026-12-03T10:03:00Z), but SQL Server still has it"));
        assertTrue(verdict(null, clinic(14), null, List.of(), Trace.Delivery.UNKNOWN).startsWith("not in the portal, SQL Server has it"));
        String unknownBatch = verdict(portal(V, 10), null, null, List.of(), Trace.Delivery.UNKNOWN);
        assertTrue(unknownBatch.startsWith("the portal has it, SQL Server does not: batches are never inserted"), unknownBatch);
        assertFalse(Trace.of(BATCHES, 4, portal(V, 10), null, null, List.of(), Trace.Delivery.UNKNOWN, NOW).agree());
    }
}
