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
        assertEquals(expected, SqlDialect.SQL_SERVER.liveLedgerKeysPage(SourceTable.ALIGNER_NOTES));
        assertEquals(expected, SqlDialect.H2.liveLedgerKeysPage(SourceTable.ALIGNER_NOTES));
    }

    @Test
    void ledgerEntriesAreReadWithoutTheSinksLocks() {
        assertEquals("SELECT SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedLsn, WrittenAt FROM dbo.AlignerSyncLedger"
                        + " WHERE SourceTable = 'aligner_notes' AND SourceKey IN (?, ?)",
                SqlDialect.SQL_SERVER.readLedgerEntries(SourceTable.ALIGNER_NOTES, 2));
    }

    @Test
    void clinicRowsArePagedByKeyWithoutLockHints() {
        assertEquals("SELECT NoteID, AlignerSetID, NoteType, NoteText, IsEdited, EditedAt, IsRead FROM dbo.tblAlignerNotes"
                + " WHERE NoteType = 'Doctor' AND NoteID > ? ORDER BY NoteID OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY",
                SqlDialect.SQL_SERVER.doctorNotesPage());
        assertEquals("SELECT AlignerBatchID, Days FROM dbo.tblAlignerBatches WHERE AlignerBatchID > ? ORDER BY AlignerBatchID"
                + " OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY", SqlDialect.SQL_SERVER.batchDaysPage());
    }
}
