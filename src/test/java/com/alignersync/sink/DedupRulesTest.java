package com.alignersync.sink;

import static com.alignersync.sink.DedupRules.Verdict.APPLY;
import static com.alignersync.sink.DedupRules.Verdict.APPLY_CONFLICT_WINNER;
import static com.alignersync.sink.DedupRules.Verdict.CONFLICT_LOSER;
import static com.alignersync.sink.DedupRules.Verdict.DUPLICATE;
import static com.alignersync.sink.DedupRules.Verdict.STALE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DedupRulesTest {

    private static final LedgerEntry APPLIED_V10 = new LedgerEntry(10, "bbbb", false);

    @Test
    void firstSightingOfAKeyApplies() {
        assertEquals(APPLY, DedupRules.decide(null, 1, "aaaa"));
    }

    @Test
    void newerVersionApplies() {
        assertEquals(APPLY, DedupRules.decide(APPLIED_V10, 11, "aaaa"));
    }

    @Test
    void sameVersionAndContentIsADuplicate() {
        assertEquals(DUPLICATE, DedupRules.decide(APPLIED_V10, 10, "bbbb"));
    }

    @Test
    void olderVersionIsStale() {
        assertEquals(STALE, DedupRules.decide(APPLIED_V10, 9, "zzzz"));
    }

    @Test
    void anythingOlderThanATombstoneIsStale() {
        assertEquals(STALE, DedupRules.decide(new LedgerEntry(10, "tomb", true), 9, "aaaa"));
    }

    @Test
    void equalVersionConflictGoesToTheGreaterContentHashInEitherOrder() {
        assertEquals(APPLY_CONFLICT_WINNER, DedupRules.decide(new LedgerEntry(10, "aaaa", false), 10, "bbbb"));
        assertEquals(CONFLICT_LOSER, DedupRules.decide(new LedgerEntry(10, "bbbb", false), 10, "aaaa"));
    }
}
