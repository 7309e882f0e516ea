package com.alignersync.sink;

import static com.alignersync.sink.DedupRules.Verdict.APPLY;
import static com.alignersync.sink.DedupRules.Verdict.APPLY_CONFLICT_WINNER;
import static com.alignersync.sink.DedupRules.Verdict.CONFLICT_LOSER;
import static com.alignersync.sink.DedupRules.Verdict.DUPLICATE;
import static com.alignersync.sink.DedupRules.Verdict.STALE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alignersync.event.FieldStamp;
import com.alignersync.event.Origin;
import com.alignersync.event.SourceTable;
import com.alignersync.event.SyncedField;
import java.util.List;
import java.util.Set;
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

    private static final SyncedField DAYS = SourceTable.ALIGNER_BATCHES.syncedFields().get(0);
    private static final SyncedField TEXT = SourceTable.ALIGNER_NOTES.syncedFields().get(0);
    private static final SyncedField READ = SourceTable.ALIGNER_NOTES.syncedFields().get(1);

    private static DedupRules.Incoming stamped(long version, String hash, FieldStamp... stamps) {
        return new DedupRules.Incoming(version, hash, false, null, List.of(stamps), false);
    }

    @Test
    void aNewerVersionWithTheContentLastAppliedOnlyAdvancesTheVersion() {
        DedupRules.Decision d = DedupRules.decide(APPLIED_V10, new DedupRules.Incoming(11, "bbbb", false));
        assertEquals(DedupRules.Verdict.SAME_CONTENT, d.verdict());
        assertEquals(new LedgerEntry(11, "bbbb", false), d.next());
    }

    @Test
    void aDoctorSettingBackAValueTheDaemonJustReplacedIsAppliedEvenWithoutStamps() {
        LedgerEntry ten = DedupRules.decide(null, new DedupRules.Incoming(10, "h10", false)).next();
        DedupRules.Decision twelve = DedupRules.decide(ten, new DedupRules.Incoming(20, "h12", false));
        assertEquals(APPLY, twelve.verdict());
        DedupRules.Decision tenAgain = DedupRules.decide(twelve.next(), new DedupRules.Incoming(30, "h10", false));
        assertEquals(APPLY, tenAgain.verdict(), "10, 12, 10 from a doctor: the last 10 is an edit, whatever the daemon wrote before");
        assertEquals("h10", tenAgain.next().contentHash());
    }

    @Test
    void aDoctorsStampedChangeIsWrittenWhateverItsValue() {
        LedgerEntry twelve = new LedgerEntry(20, "h12", false);
        DedupRules.Decision d = DedupRules.decide(twelve, stamped(30, "h10", new FieldStamp(DAYS, 30, Origin.PORTAL)));
        assertEquals(APPLY, d.verdict());
        assertEquals(Set.of("days"), d.fields());
    }

    @Test
    void theClinicsOwnChangeIsRecordedAsSeenAndNeverWrittenBack() {
        LedgerEntry ten = new LedgerEntry(20, "h10", false);
        DedupRules.Decision d = DedupRules.decide(ten, stamped(30, "h12", new FieldStamp(DAYS, 30, Origin.CLINIC)));
        assertEquals(DedupRules.Verdict.CLINIC_ORIGIN, d.verdict());
        assertEquals(Set.of(), d.fields());
        assertEquals(new LedgerEntry(30, "h12", false), d.next(), "the version advances, so older doctor copies stay stale");
        assertEquals(STALE, DedupRules.decide(d.next(), stamped(25, "h11", new FieldStamp(DAYS, 25, Origin.PORTAL))).verdict());
    }

    @Test
    void aBatchTheClinicCreatedIsNotWrittenBackWhenAnotherOfItsColumnsChanges() {
        // Created by the forward sync (days stamped clinic at 10), never seen by the ledger; a delivery note changes at 40.
        DedupRules.Decision d = DedupRules.decide(null, stamped(40, "h14", new FieldStamp(DAYS, 10, Origin.CLINIC)));
        assertEquals(DedupRules.Verdict.CLINIC_ORIGIN, d.verdict());
        assertEquals(Set.of(), d.fields());
    }

    @Test
    void aRowBumpedForAColumnThatDoesNotFlowBackCarriesNothingBack() {
        // days last changed by a doctor at 20, already seen; the row moves to 40 for a delivery column.
        DedupRules.Decision d = DedupRules.decide(new LedgerEntry(20, "h10", false),
                stamped(40, "h10-but-other", new FieldStamp(DAYS, 20, Origin.PORTAL)));
        assertEquals(DedupRules.Verdict.SAME_CONTENT, d.verdict());
        assertEquals(40, d.next().version());
    }

    @Test
    void aNotesTextAndReadFlagEachCarryTheirOwnOrigin() {
        // The doctor edits the text at 30 while the clinic marks the note read at 35.
        DedupRules.Decision d = DedupRules.decide(new LedgerEntry(20, "h", false),
                stamped(35, "h2", new FieldStamp(TEXT, 30, Origin.PORTAL), new FieldStamp(READ, 35, Origin.CLINIC)));
        assertEquals(APPLY, d.verdict());
        assertEquals(Set.of("text"), d.fields(), "the text flows back, the clinic's read flag is not written over");
    }

    @Test
    void theNewestCopysStampsTellWhatADoctorChangedSinceTheLedger() {
        LedgerEntry before = new LedgerEntry(20, "h", false);
        assertEquals(Set.of("text", "read"), DedupRules.portalFieldsSince(before,
                List.of(new FieldStamp(TEXT, 30, Origin.PORTAL), new FieldStamp(READ, 31, Origin.PORTAL))));
        assertEquals(Set.of(), DedupRules.portalFieldsSince(before,
                List.of(new FieldStamp(TEXT, 32, Origin.CLINIC), new FieldStamp(READ, 10, Origin.PORTAL))),
                "a doctor's text the clinic overwrote later in the same batch is not written back");
    }

    @Test
    void equalVersionsFromCdcGoToTheLaterLsnWhateverTheContent() {
        LedgerEntry fromLsn9 = new LedgerEntry(10, "zzzz", false, 9L, null);
        DedupRules.Decision later = DedupRules.decide(fromLsn9, new DedupRules.Incoming(10, "aaaa", false, 12L, null, false));
        assertEquals(APPLY_CONFLICT_WINNER, later.verdict(), "a smaller hash still wins with the later LSN");
        assertEquals(DedupRules.TieBreak.LSN, later.tieBreak());
        assertEquals(12L, later.next().lsn());
        LedgerEntry fromLsn12 = later.next();
        DedupRules.Decision earlier = DedupRules.decide(fromLsn12, new DedupRules.Incoming(10, "zzzz", false, 9L, null, false));
        assertEquals(CONFLICT_LOSER, earlier.verdict(), "a replayed earlier LSN never flips it back");
        DedupRules.Decision noLsn = DedupRules.decide(fromLsn12, new DedupRules.Incoming(10, "zzzz", false));
        assertEquals(DedupRules.TieBreak.CONTENT_HASH, noLsn.tieBreak());
    }
}
