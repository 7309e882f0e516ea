package com.alignersync.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Pins the exact SQL of each dialect: what a DBA reviews is what runs. */
class SqlDialectTest {

    @Test
    void dialectIsChosenFromTheJdbcUrl() {
        assertEquals(SqlDialect.SQL_SERVER, SqlDialect.forJdbcUrl("jdbc:sqlserver://db:1433;databaseName=Clinic"));
        assertEquals(SqlDialect.H2, SqlDialect.forJdbcUrl("jdbc:h2:mem:x;MODE=MSSQLServer"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SqlDialect.forJdbcUrl("jdbc:mysql://db;password=hunter2"));
        assertFalse(e.getMessage().contains("hunter2"));
    }

    @Test
    void sqlServerLedgerUpsertIsAMergeWithHoldlock() {
        assertEquals("MERGE dbo.AlignerSyncLedger WITH (HOLDLOCK) AS t"
                        + " USING (VALUES (?, ?, ?, ?, ?, ?)) AS s (SourceTable, SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy)"
                        + " ON t.SourceTable = s.SourceTable AND t.SourceKey = s.SourceKey"
                        + " WHEN MATCHED THEN UPDATE SET AppliedVersion = s.AppliedVersion, ContentHash = s.ContentHash,"
                        + " IsTombstone = s.IsTombstone, AppliedBy = s.AppliedBy, AppliedAt = SYSUTCDATETIME()"
                        + " WHEN NOT MATCHED THEN INSERT (SourceTable, SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy, AppliedAt)"
                        + " VALUES (s.SourceTable, s.SourceKey, s.AppliedVersion, s.ContentHash, s.IsTombstone, s.AppliedBy, SYSUTCDATETIME());",
                SqlDialect.SQL_SERVER.upsertLedgerEntry());
    }

    @Test
    void h2LedgerUpsertIsAMergeByKey() {
        assertEquals("MERGE INTO dbo.AlignerSyncLedger (SourceTable, SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy, AppliedAt)"
                        + " KEY (SourceTable, SourceKey) VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)",
                SqlDialect.H2.upsertLedgerEntry());
    }

    @Test
    void sqlServerLocksWithUpdlockHoldlockAndH2WithForUpdate() {
        assertEquals("SELECT AppliedVersion, ContentHash, IsTombstone FROM dbo.AlignerSyncLedger WITH (UPDLOCK, HOLDLOCK)"
                + " WHERE SourceTable = ? AND SourceKey = ?", SqlDialect.SQL_SERVER.lockLedgerEntry());
        assertEquals("SELECT AppliedVersion, ContentHash, IsTombstone FROM dbo.AlignerSyncLedger"
                + " WHERE SourceTable = ? AND SourceKey = ? FOR UPDATE", SqlDialect.H2.lockLedgerEntry());
        assertEquals("SELECT Days FROM dbo.tblAlignerBatches WITH (UPDLOCK, HOLDLOCK) WHERE AlignerBatchID = ?",
                SqlDialect.SQL_SERVER.lockBatch());
        assertEquals("SELECT Days FROM dbo.tblAlignerBatches WHERE AlignerBatchID = ? FOR UPDATE", SqlDialect.H2.lockBatch());
    }

    @Test
    void sqlServerNoteInsertKeepsThePortalIdThroughIdentityInsert() {
        assertEquals("SET IDENTITY_INSERT dbo.tblAlignerNotes ON;"
                        + " INSERT INTO dbo.tblAlignerNotes (NoteID, AlignerSetID, NoteType, NoteText, CreatedAt, IsEdited, EditedAt, IsRead)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?); SET IDENTITY_INSERT dbo.tblAlignerNotes OFF;",
                SqlDialect.SQL_SERVER.insertNote());
        assertEquals("INSERT INTO dbo.tblAlignerNotes (NoteID, AlignerSetID, NoteType, NoteText, CreatedAt, IsEdited, EditedAt, IsRead)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", SqlDialect.H2.insertNote());
    }

    @Test
    void theOnlyBatchColumnEverWrittenIsDays() {
        assertEquals("UPDATE dbo.tblAlignerBatches SET Days = ? WHERE AlignerBatchID = ?", SqlDialect.SQL_SERVER.updateBatchDays());
        assertEquals(SqlDialect.SQL_SERVER.updateBatchDays(), SqlDialect.H2.updateBatchDays());
        assertEquals("UPDATE dbo.tblAlignerNotes SET NoteText = ?, IsEdited = ?, EditedAt = ?, IsRead = ? WHERE NoteID = ?",
                SqlDialect.SQL_SERVER.updateNote());
    }

    @Test
    void ledgerDdlIsIdempotentInBothDialects() {
        assertTrue(SqlDialect.SQL_SERVER.ledgerDdl().get(0).startsWith("IF OBJECT_ID(N'dbo.AlignerSyncLedger', N'U') IS NULL\nCREATE TABLE"));
        assertTrue(SqlDialect.H2.ledgerDdl().stream().allMatch(ddl -> ddl.contains("IF NOT EXISTS")));
        assertTrue(SqlDialect.SQL_SERVER.ledgerDdl().get(0).contains("AppliedVersion bigint"), "versions are stored exactly, not as datetime");
    }

    @Test
    void onlyH2NeedsTheSinkToSerializeWriters() {
        assertTrue(SqlDialect.H2.needsSingleWriter());
        assertFalse(SqlDialect.SQL_SERVER.needsSingleWriter());
    }
}
