package com.alignersync.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alignersync.sink.DedupRules.Verdict;
import org.junit.jupiter.api.Test;

/** verify --repair's copies: the applied version writes again, anything older stays stale. */
class RepairCopyRuleTest {

    private static final LedgerEntry APPLIED = new LedgerEntry(500, "h1", false);

    @Test
    void aRepairCopyOfTheAppliedVersionAppliesAgainWhereAnInputsCopyIsADuplicate() {
        assertEquals(Verdict.DUPLICATE, DedupRules.decide(APPLIED, 500, "h1", false));
        assertEquals(Verdict.APPLY, DedupRules.decide(APPLIED, 500, "h1", true));
    }

    @Test
    void aRepairCopyNeverRevertsANewerVersion() {
        assertEquals(Verdict.STALE, DedupRules.decide(APPLIED, 499, "h0", true));
        assertEquals(Verdict.STALE, DedupRules.decide(new LedgerEntry(600, "tomb", true), 500, "h1", true));
        assertEquals(Verdict.CONFLICT_LOSER, DedupRules.decide(APPLIED, 500, "h0", true));
    }

    @Test
    void aRepairCopyThatIsAnEchoOfASupersededValueIsNotWrittenAndKeepsTheBookkeeping() {
        // The daemon wrote 10, then replaced it with 12; the forward sync's echo of 10 may still be in the portal.
        LedgerEntry twelve = new LedgerEntry(300, "h12", false, 77L, 290L, "h10", 900L);

        DedupRules.Decision echo = DedupRules.decideRepair(twelve, new DedupRules.Incoming(400, "h10", false, null), 350, java.time.Duration.ofSeconds(60));
        assertEquals(Verdict.ECHO, echo.verdict());

        DedupRules.Decision same = DedupRules.decideRepair(twelve, new DedupRules.Incoming(400, "h12", false, null), 350, java.time.Duration.ofSeconds(60));
        assertEquals(Verdict.APPLY, same.verdict());
        assertEquals("h10", same.next().echoHash(), "a forced write keeps the echo bookkeeping");
        assertEquals(77L, same.next().lsn());
    }
}
