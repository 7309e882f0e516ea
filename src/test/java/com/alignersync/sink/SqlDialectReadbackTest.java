package com.alignersync.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alignersync.event.SourceTable;
import org.junit.jupiter.api.Test;

/** Pins the read-only SQL of reconcile and verify: keyset pages on the primary keys, and no locks on the clinic's tables. */
class SqlDialectReadbackTest {

    @Test
    void liveLedgerKeysArePagedByKeyWithoutTombstones() {
        String expected = "SELECT SourceKey FROM dbo.AlignerSyncLedger WHERE SourceTable = 'aligner_notes' AND IsTombstone = 0"
                + " AND SourceKey > ? ORDER BY SourceKey OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY";
        assertEquals(expected, new LedgerSql(SqlDialect.SQL_SERVER).liveKeysPage(SourceTable.ALIGNER_NOTES));
        assertEquals(expected, new LedgerSql(SqlDialect.H2).liveKeysPage(SourceTable.ALIGNER_NOTES));
    }

    @Test
    void ledgerEntriesAreReadWithoutTheSinksLocks() {
        assertEquals("SELECT SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedLsn, WrittenAt FROM dbo.AlignerSyncLedger"
                        + " WHERE SourceTable = 'aligner_notes' AND SourceKey IN (?, ?)",
                new LedgerSql(SqlDialect.SQL_SERVER).readEntries(SourceTable.ALIGNER_NOTES, 2));
    }

    @Test
    void clinicRowsArePagedByKeyWithoutLockHints() {
        assertEquals("SELECT NoteID, AlignerSetID, NoteType, NoteText, IsEdited, EditedAt, IsRead FROM dbo.tblAlignerNotes"
                + " WHERE NoteType = 'Doctor' AND NoteID > ? ORDER BY NoteID OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY",
                new ClinicSql(SqlDialect.SQL_SERVER).doctorNotesPage());
        assertEquals("SELECT AlignerBatchID, Days FROM dbo.tblAlignerBatches WHERE AlignerBatchID > ? ORDER BY AlignerBatchID"
                + " OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY", new ClinicSql(SqlDialect.SQL_SERVER).batchDaysPage());
    }
}
