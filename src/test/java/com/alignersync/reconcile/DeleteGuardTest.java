package com.alignersync.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules of the one delete guard, apart from any portal: which listings may delete, and what the alarm says. */
class DeleteGuardTest {

    private final DeleteGuard guard = new DeleteGuard(10);

    private static DeleteGuard.Cause cause(Optional<DeleteGuard.Refusal> refusal) {
        return refusal.map(DeleteGuard.Refusal::cause).orElse(null);
    }

    @Test
    void nothingToDeleteIsNeverRefused() {
        assertEquals(Optional.empty(), guard.check("test", 100, 0, 0L, 0));
    }

    @Test
    void anEmptyListingIsRefusedHoweverFewTheDeletesAndWhateverTheCountOrSetting() {
        assertEquals(DeleteGuard.Cause.EMPTY_LISTING, cause(guard.check("test", 1, 0, 0L, 1)));
        assertEquals(DeleteGuard.Cause.EMPTY_LISTING, cause(guard.check("test", 5, 0, null, 5)));
        assertEquals(DeleteGuard.Cause.EMPTY_LISTING, cause(new DeleteGuard(100).check("test", 5, 0, 0L, 5)), "100 turns off the percentage only");
    }

    @Test
    void theCountTellsASeeingNothingKeyFromAListingThatLostCountedRows() {
        String blind = guard.check("test", 5, 0, 0L, 5).orElseThrow().message();
        assertTrue(blind.contains("PostgREST's own count is 0 too"), blind);
        String lost = guard.check("test", 5, 0, 25L, 5).orElseThrow().message();
        assertTrue(lost.contains("PostgREST counts 25 rows but listed 0"), lost);
        for (String named : new String[] {"row-level security", "supabase.service-role-key", "supabase.url", "--allow-mass-delete"}) {
            assertTrue(blind.contains(named), "the alarm names " + named + ": " + blind);
        }
    }

    @Test
    void aListingLackingMoreThanHalfOfTheLedgerIsRefusedEvenBelowTheFloor() {
        assertEquals(DeleteGuard.Cause.MORE_THAN_HALF, cause(guard.check("test", 10, 1, 1L, 9)));
        assertEquals(DeleteGuard.Cause.MORE_THAN_HALF, cause(new DeleteGuard(100).check("test", 10, 4, 4L, 6)));
        assertEquals(Optional.empty(), guard.check("test", 10, 5, 5L, 5), "half is not more than half");
    }

    @Test
    void overMaxDeletePercentIsRefusedAboveTheFloorOnly() {
        assertEquals(Optional.empty(), guard.check("test", 100, 90, 90L, 10), "10 deletes: the floor");
        assertEquals(DeleteGuard.Cause.OVER_MAX_DELETE_PERCENT, cause(guard.check("test", 100, 89, 89L, 11)));
        assertEquals(Optional.empty(), guard.check("test", 1000, 900, 900L, 100), "10% exactly");
        assertEquals(Optional.empty(), new DeleteGuard(100).check("test", 100, 60, 60L, 40));
    }

    @Test
    void anOperatorsAllowMassDeleteLetsEveryRuleThroughForThatRun() {
        DeleteGuard allowing = guard.allowingMassDelete();
        assertEquals(Optional.empty(), allowing.check("test", 40, 0, 0L, 40));
        assertEquals(Optional.empty(), allowing.check("test", 10, 1, 1L, 9));
        assertEquals(DeleteGuard.Cause.EMPTY_LISTING, cause(guard.check("test", 40, 0, 0L, 40)), "the guard it came from is unchanged");
    }
}
