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

    private static final long NOW = 1_000_000_000L;
    private static final java.time.Duration ECHO = java.time.Duration.ofSeconds(60);
    private static final long WINDOW = ECHO.toNanos() / 1000;

    @Test
    void aNewerVersionWithTheContentLastAppliedOnlyAdvancesTheVersion() {
        DedupRules.Decision d = DedupRules.decide(APPLIED_V10, new DedupRules.Incoming(11, "bbbb", false, null), NOW, ECHO);
        assertEquals(DedupRules.Verdict.SAME_CONTENT, d.verdict());
        assertEquals(new LedgerEntry(11, "bbbb", false), d.next());
    }

    @Test
    void supersedingAContentTheDaemonJustWroteExpectsItsEchoOnceInsideTheWindow() {
        LedgerEntry wrote10 = new LedgerEntry(10, "h10", false, null, NOW - 1_000, null, null);
        DedupRules.Decision to12 = DedupRules.decide(wrote10, new DedupRules.Incoming(20, "h12", false, 5L), NOW, ECHO);
        assertEquals(APPLY, to12.verdict());
        assertEquals("h10", to12.next().echoHash());

        DedupRules.Decision echo = DedupRules.decide(to12.next(), new DedupRules.Incoming(30, "h10", false, 6L), NOW, ECHO);
        assertEquals(DedupRules.Verdict.ECHO, echo.verdict());
        assertEquals("h12", echo.next().contentHash(), "the echo writes nothing");
        assertEquals(30, echo.next().version());
        assertEquals(6L, echo.next().lsn());

        // After the window the same content is the doctor's real edit again.
        long late = NOW - 1_000 + WINDOW + 1;
        assertEquals(APPLY, DedupRules.decide(to12.next(), new DedupRules.Incoming(late, "h10", false, null), NOW, ECHO).verdict());
    }

    @Test
    void contentTheDaemonDidNotWriteRecentlyIsNeverTakenForAnEcho() {
        LedgerEntry wroteLongAgo = new LedgerEntry(10, "h10", false, null, NOW - WINDOW - 1, null, null);
        DedupRules.Decision to12 = DedupRules.decide(wroteLongAgo, new DedupRules.Incoming(20, "h12", false, null), NOW, ECHO);
        assertEquals(null, to12.next().echoHash());
        assertEquals(APPLY, DedupRules.decide(to12.next(), new DedupRules.Incoming(30, "h10", false, null), NOW, ECHO).verdict());
        LedgerEntry notWritten = new LedgerEntry(10, "h10", false);
        assertEquals(null, DedupRules.decide(notWritten, new DedupRules.Incoming(20, "h12", false, null), NOW, ECHO).next().echoHash());
    }

    @Test
    void equalVersionsFromCdcGoToTheLaterLsnWhateverTheContent() {
        LedgerEntry fromLsn9 = new LedgerEntry(10, "zzzz", false, 9L, null, null, null);
        DedupRules.Decision later = DedupRules.decide(fromLsn9, new DedupRules.Incoming(10, "aaaa", false, 12L), NOW, ECHO);
        assertEquals(APPLY_CONFLICT_WINNER, later.verdict(), "a smaller hash still wins with the later LSN");
        assertEquals(DedupRules.TieBreak.LSN, later.tieBreak());
        assertEquals(12L, later.next().lsn());
        LedgerEntry fromLsn12 = later.next();
        DedupRules.Decision earlier = DedupRules.decide(fromLsn12, new DedupRules.Incoming(10, "zzzz", false, 9L), NOW, ECHO);
        assertEquals(CONFLICT_LOSER, earlier.verdict(), "a replayed earlier LSN never flips it back");
        DedupRules.Decision noLsn = DedupRules.decide(fromLsn12, new DedupRules.Incoming(10, "zzzz", false, null), NOW, ECHO);
        assertEquals(DedupRules.TieBreak.CONTENT_HASH, noLsn.tieBreak());
    }

    @Test
    void aZeroEchoWindowTurnsTheEchoRuleOff() {
        LedgerEntry wrote10 = new LedgerEntry(10, "h10", false, null, NOW - 1_000, null, null);
        DedupRules.Decision to12 = DedupRules.decide(wrote10, new DedupRules.Incoming(20, "h12", false, null), NOW, java.time.Duration.ZERO);
        assertEquals(null, to12.next().echoHash());
        assertEquals(APPLY, DedupRules.decide(to12.next(), new DedupRules.Incoming(30, "h10", false, null), NOW,
                java.time.Duration.ZERO).verdict());
    }
}
