package com.alignersync.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alignersync.event.FieldStamp;
import com.alignersync.event.Origin;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.DedupRules.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** verify --repair's copies: the applied version writes again, anything older stays stale, nothing is taken for the clinic's. */
class RepairCopyRuleTest {

    private static final LedgerEntry APPLIED = new LedgerEntry(500, "h1", false);

    private static Verdict repair(LedgerEntry applied, long version, String hash) {
        return DedupRules.decide(applied, new DedupRules.Incoming(version, hash, false, null, null, true)).verdict();
    }

    @Test
    void aRepairCopyOfTheAppliedVersionAppliesAgainWhereAnInputsCopyIsADuplicate() {
        assertEquals(Verdict.DUPLICATE, DedupRules.decide(APPLIED, 500, "h1"));
        assertEquals(Verdict.APPLY, repair(APPLIED, 500, "h1"));
    }

    @Test
    void aRepairCopyNeverRevertsANewerVersion() {
        assertEquals(Verdict.STALE, repair(APPLIED, 499, "h0"));
        assertEquals(Verdict.STALE, repair(new LedgerEntry(600, "tomb", true), 500, "h1"));
        assertEquals(Verdict.CONFLICT_LOSER, repair(APPLIED, 500, "h0"));
    }

    @Test
    void aRepairCopyIsNeverTakenForTheClinicsOwnChange() {
        // The portal's row was last changed by the forward sync; SQL Server drifted since: repair writes it.
        List<FieldStamp> clinic = List.of(new FieldStamp(SourceTable.ALIGNER_BATCHES.syncedFields().get(0), 600, Origin.CLINIC));
        DedupRules.Decision d = DedupRules.decide(APPLIED, new DedupRules.Incoming(600, "h2", false, null, clinic, true));
        assertEquals(Verdict.APPLY, d.verdict());
        assertEquals(DedupRules.ALL_FIELDS, d.fields());
        assertEquals(Verdict.CLINIC_ORIGIN,
                DedupRules.decide(APPLIED, new DedupRules.Incoming(600, "h2", false, null, clinic, false)).verdict());
    }
}
