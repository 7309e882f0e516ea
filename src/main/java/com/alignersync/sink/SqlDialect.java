package com.alignersync.sink;

import java.util.List;

/**
 * The SQL the sink sends, in the two dialects it speaks: SQL Server (the product's target)
 * and H2 in MODE=MSSQLServer (the embedded and test target). H2 rejects
 * {@code MERGE ... WITH (HOLDLOCK)}, {@code SET IDENTITY_INSERT}, {@code SYSUTCDATETIME()}
 * and {@code IF} blocks, and ignores {@code UPDLOCK}; every such difference lives here.
 */
public enum SqlDialect {
    SQL_SERVER,
    H2;

    public static final String NOTES = "dbo.tblAlignerNotes";
    public static final String BATCHES = "dbo.tblAlignerBatches";
    public static final String LEDGER = "dbo.AlignerSyncLedger";

    public static SqlDialect forJdbcUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlserver:")) {
            return SQL_SERVER;
        }
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return H2;
        }
        throw new IllegalArgumentException("unsupported JDBC URL (expected jdbc:sqlserver: or jdbc:h2:): " + jdbcUrl.replaceAll("password=[^;]*", "password=****"));
    }

    /**
     * Whether the sink must serialize its transactions itself. H2's {@code FOR UPDATE} cannot
     * lock a key that does not exist yet, so two first sightings of a key could both insert;
     * SQL Server's {@code HOLDLOCK} takes a key-range lock and needs no such help.
     */
    public boolean needsSingleWriter() {
        return this == H2;
    }

    /** Idempotent DDL for the daemon's own ledger table; the clinic's tables are never altered. */
    public List<String> ledgerDdl() {
        return switch (this) {
            case SQL_SERVER -> List.of("""
                    IF OBJECT_ID(N'dbo.AlignerSyncLedger', N'U') IS NULL
                    CREATE TABLE dbo.AlignerSyncLedger (
                      SourceTable    varchar(64) NOT NULL,
                      SourceKey      bigint      NOT NULL,
                      AppliedVersion bigint      NOT NULL, -- source version in epoch microseconds, exact
                      ContentHash    char(64)    NOT NULL,
                      IsTombstone    bit         NOT NULL,
                      AppliedBy      varchar(16) NOT NULL,
                      AppliedAt      datetime2(6) NOT NULL,
                      CONSTRAINT PK_AlignerSyncLedger PRIMARY KEY (SourceTable, SourceKey)
                    )""");
            case H2 -> List.of(
                    "CREATE SCHEMA IF NOT EXISTS dbo",
                    """
                    CREATE TABLE IF NOT EXISTS dbo.AlignerSyncLedger (
                      SourceTable    varchar(64) NOT NULL,
                      SourceKey      bigint      NOT NULL,
                      AppliedVersion bigint      NOT NULL,
                      ContentHash    char(64)    NOT NULL,
                      IsTombstone    bit         NOT NULL,
                      AppliedBy      varchar(16) NOT NULL,
                      AppliedAt      timestamp with time zone NOT NULL,
                      CONSTRAINT PK_AlignerSyncLedger PRIMARY KEY (SourceTable, SourceKey)
                    )""");
        };
    }

    public String ledgerProbe() {
        return "SELECT COUNT(*) FROM " + LEDGER + " WHERE 1 = 0";
    }

    public String lockLedgerEntry() {
        return "SELECT AppliedVersion, ContentHash, IsTombstone FROM " + LEDGER + lockHint()
                + " WHERE SourceTable = ? AND SourceKey = ?" + forUpdate();
    }

    /** Parameters: SourceTable, SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy. */
    public String upsertLedgerEntry() {
        return switch (this) {
            case SQL_SERVER -> "MERGE " + LEDGER + " WITH (HOLDLOCK) AS t"
                    + " USING (VALUES (?, ?, ?, ?, ?, ?)) AS s (SourceTable, SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy)"
                    + " ON t.SourceTable = s.SourceTable AND t.SourceKey = s.SourceKey"
                    + " WHEN MATCHED THEN UPDATE SET AppliedVersion = s.AppliedVersion, ContentHash = s.ContentHash,"
                    + " IsTombstone = s.IsTombstone, AppliedBy = s.AppliedBy, AppliedAt = SYSUTCDATETIME()"
                    + " WHEN NOT MATCHED THEN INSERT (SourceTable, SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy, AppliedAt)"
                    + " VALUES (s.SourceTable, s.SourceKey, s.AppliedVersion, s.ContentHash, s.IsTombstone, s.AppliedBy, SYSUTCDATETIME());";
            case H2 -> "MERGE INTO " + LEDGER
                    + " (SourceTable, SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy, AppliedAt)"
                    + " KEY (SourceTable, SourceKey) VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)";
        };
    }

    public String lockNote() {
        return "SELECT AlignerSetID, NoteType, NoteText, IsEdited, EditedAt, IsRead FROM " + NOTES + lockHint()
                + " WHERE NoteID = ?" + forUpdate();
    }

    /** Parameters: NoteID, AlignerSetID, NoteType, NoteText, CreatedAt, IsEdited, EditedAt, IsRead. */
    public String insertNote() {
        String insert = "INSERT INTO " + NOTES + " (NoteID, AlignerSetID, NoteType, NoteText, CreatedAt, IsEdited, EditedAt, IsRead)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        return switch (this) {
            // NoteID is an IDENTITY column; the portal's note_id must be kept, so the insert names it.
            case SQL_SERVER -> "SET IDENTITY_INSERT " + NOTES + " ON; " + insert + "; SET IDENTITY_INSERT " + NOTES + " OFF;";
            case H2 -> insert;
        };
    }

    /** Parameters: NoteText, IsEdited, EditedAt, IsRead, NoteID. */
    public String updateNote() {
        return "UPDATE " + NOTES + " SET NoteText = ?, IsEdited = ?, EditedAt = ?, IsRead = ? WHERE NoteID = ?";
    }

    public String deleteNote() {
        return "DELETE FROM " + NOTES + " WHERE NoteID = ?";
    }

    public String lockBatch() {
        return "SELECT Days FROM " + BATCHES + lockHint() + " WHERE AlignerBatchID = ?" + forUpdate();
    }

    /** Parameters: Days, AlignerBatchID. The only column of tblAlignerBatches the daemon ever writes. */
    public String updateBatchDays() {
        return "UPDATE " + BATCHES + " SET Days = ? WHERE AlignerBatchID = ?";
    }

    private String lockHint() {
        return this == SQL_SERVER ? " WITH (UPDLOCK, HOLDLOCK)" : "";
    }

    private String forUpdate() {
        return this == H2 ? " FOR UPDATE" : "";
    }
}
