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
}
