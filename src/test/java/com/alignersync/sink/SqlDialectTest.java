package com.alignersync.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.event.SourceTable;
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
    void sqlServerLedgerWritesAreAnUpdateForKnownKeysAndAnInsertForNewOnesWithoutMerge() {
        assertEquals("UPDATE dbo.AlignerSyncLedger SET AppliedVersion = ?, ContentHash = CAST(? AS char(64)), IsTombstone = ?,"
                        + " AppliedBy = CAST(? AS varchar(16)), AppliedAt = SYSUTCDATETIME(), AppliedLsn = ?, WrittenAt = ?, EchoHash = NULL,"
                        + " EchoUntil = NULL WHERE SourceTable = CAST(? AS varchar(64)) AND SourceKey = ?",
                new LedgerSql(SqlDialect.SQL_SERVER).updateEntry());
        assertEquals("INSERT INTO dbo.AlignerSyncLedger (SourceTable, SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy,"
                        + " AppliedAt, AppliedLsn, WrittenAt, EchoHash, EchoUntil) VALUES (CAST(? AS varchar(64)), ?, ?, CAST(? AS char(64)), ?,"
                        + " CAST(? AS varchar(16)), SYSUTCDATETIME(), ?, ?, NULL, NULL)",
                new LedgerSql(SqlDialect.SQL_SERVER).insertEntry());
        for (SqlDialect dialect : SqlDialect.values()) {
            assertFalse(new LedgerSql(dialect).updateEntry().contains("MERGE") || new LedgerSql(dialect).insertEntry().contains("MERGE"), dialect.name());
        }
    }

    @Test
    void h2LedgerWritesAreAnUpdateAndAnInsert() {
        assertEquals("UPDATE dbo.AlignerSyncLedger SET AppliedVersion = ?, ContentHash = ?, IsTombstone = ?, AppliedBy = ?,"
                        + " AppliedAt = CURRENT_TIMESTAMP, AppliedLsn = ?, WrittenAt = ?, EchoHash = NULL, EchoUntil = NULL"
                        + " WHERE SourceTable = ? AND SourceKey = ?",
                new LedgerSql(SqlDialect.H2).updateEntry());
        assertEquals("INSERT INTO dbo.AlignerSyncLedger (SourceTable, SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy, AppliedAt,"
                        + " AppliedLsn, WrittenAt, EchoHash, EchoUntil) VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP, ?, ?, NULL, NULL)",
                new LedgerSql(SqlDialect.H2).insertEntry());
    }

    @Test
    void anExistingLedgerIsUpgradedInPlaceByIdempotentSteps() {
        assertEquals("IF COL_LENGTH(N'dbo.AlignerSyncLedger', N'AppliedLsn') IS NULL ALTER TABLE dbo.AlignerSyncLedger ADD AppliedLsn bigint NULL",
                new LedgerSql(SqlDialect.SQL_SERVER).ddl().get(1));
        assertEquals("ALTER TABLE dbo.AlignerSyncLedger ADD COLUMN IF NOT EXISTS EchoUntil bigint NULL",
                new LedgerSql(SqlDialect.H2).ddl().get(new LedgerSql(SqlDialect.H2).ddl().size() - 1));
    }

    @Test
    void sqlServerLocksWithUpdlockHoldlockAndH2ReliesOnTheSingleWriter() {
        assertEquals("SELECT SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedLsn, WrittenAt"
                + " FROM dbo.AlignerSyncLedger WITH (UPDLOCK, HOLDLOCK)"
                + " WHERE SourceTable = 'aligner_notes' AND SourceKey IN (?, ?, ?)", new LedgerSql(SqlDialect.SQL_SERVER).lockEntries(SourceTable.ALIGNER_NOTES, 3));
        assertEquals("SELECT l.SourceKey, l.AppliedVersion, l.ContentHash, l.IsTombstone, l.AppliedLsn, l.WrittenAt"
                + " FROM UNNEST(CAST(? AS BIGINT ARRAY)) AS k(K) JOIN dbo.AlignerSyncLedger l"
                + " ON l.SourceTable = 'aligner_batches' AND l.SourceKey = k.K",
                new LedgerSql(SqlDialect.H2).lockEntries(SourceTable.ALIGNER_BATCHES, 2));
        assertEquals("SELECT AlignerBatchID, Days FROM dbo.tblAlignerBatches WITH (UPDLOCK, HOLDLOCK) WHERE AlignerBatchID IN (?, ?)",
                new ClinicSql(SqlDialect.SQL_SERVER).lockBatches(2));
        assertEquals("SELECT b.AlignerBatchID, b.Days FROM UNNEST(CAST(? AS BIGINT ARRAY)) AS k(K) JOIN dbo.tblAlignerBatches b"
                + " ON b.AlignerBatchID = k.K", new ClinicSql(SqlDialect.H2).lockBatches(1));
        assertEquals("SELECT NoteID, AlignerSetID, NoteType, NoteText, IsEdited, EditedAt, IsRead FROM dbo.tblAlignerNotes"
                + " WITH (UPDLOCK, HOLDLOCK) WHERE NoteID IN (?)", new ClinicSql(SqlDialect.SQL_SERVER).lockNotes(1));
    }

    @Test
    void lockingReadsStayWithinSqlServersParameterLimit() {
        assertThrows(IllegalArgumentException.class, () -> new ClinicSql(SqlDialect.SQL_SERVER).lockNotes(SqlDialect.MAX_KEYS_PER_STATEMENT + 1));
        assertThrows(IllegalArgumentException.class, () -> new ClinicSql(SqlDialect.H2).lockBatches(0));
    }

    @Test
    void sqlServerNoteInsertKeepsThePortalIdThroughIdentityInsert() {
        assertEquals("SET IDENTITY_INSERT dbo.tblAlignerNotes ON", new ClinicSql(SqlDialect.SQL_SERVER).identityInsert(true));
        assertEquals("SET IDENTITY_INSERT dbo.tblAlignerNotes OFF", new ClinicSql(SqlDialect.SQL_SERVER).identityInsert(false));
        assertEquals(null, new ClinicSql(SqlDialect.H2).identityInsert(true));
        assertEquals("INSERT INTO dbo.tblAlignerNotes (NoteID, AlignerSetID, NoteType, NoteText, CreatedAt, IsEdited, EditedAt, IsRead)"
                + " VALUES (?, ?, CAST(? AS varchar(20)), ?, ?, ?, ?, ?)", new ClinicSql(SqlDialect.SQL_SERVER).insertNote());
    }

    @Test
    void theOnlyBatchColumnEverWrittenIsDays() {
        assertEquals("UPDATE dbo.tblAlignerBatches SET Days = ? WHERE AlignerBatchID = ?", new ClinicSql(SqlDialect.SQL_SERVER).updateBatchDays());
        assertEquals(new ClinicSql(SqlDialect.SQL_SERVER).updateBatchDays(), new ClinicSql(SqlDialect.H2).updateBatchDays());
        assertEquals("UPDATE dbo.tblAlignerNotes SET NoteText = ?, IsEdited = ?, EditedAt = ?, IsRead = ? WHERE NoteID = ?",
                new ClinicSql(SqlDialect.SQL_SERVER).updateNote());
    }

    @Test
    void ledgerDdlIsIdempotentInBothDialects() {
        assertTrue(new LedgerSql(SqlDialect.SQL_SERVER).ddl().get(0).startsWith("IF OBJECT_ID(N'dbo.AlignerSyncLedger', N'U') IS NULL\nCREATE TABLE"));
        assertTrue(new LedgerSql(SqlDialect.H2).ddl().stream().allMatch(ddl -> ddl.contains("IF NOT EXISTS")));
        assertTrue(new LedgerSql(SqlDialect.SQL_SERVER).ddl().get(0).contains("AppliedVersion bigint"), "versions are stored exactly, not as datetime");
    }

    @Test
    void everySessionBoundsLockWaitsAndMarksItselfForTheClinicsTriggers() {
        assertEquals("SET LOCK_TIMEOUT 5000; EXEC sp_set_session_context @key = N'aligner_sync', @value = 1;",
                SqlDialect.SQL_SERVER.sessionSettings(java.time.Duration.ofSeconds(5)));
        assertEquals(null, SqlDialect.H2.sessionSettings(java.time.Duration.ofMillis(250)), "H2 refuses it to a login that is not an admin");
    }

    @Test
    void sqlServerAsksXactStateBeforeEveryCommit() {
        assertEquals("SELECT XACT_STATE()", SqlDialect.SQL_SERVER.transactionStateProbe());
    }

    @Test
    void onlyH2NeedsTheSinkToSerializeWriters() {
        assertTrue(SqlDialect.H2.needsSingleWriter());
        assertFalse(SqlDialect.SQL_SERVER.needsSingleWriter());
    }
}
