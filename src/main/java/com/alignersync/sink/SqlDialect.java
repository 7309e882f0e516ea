package com.alignersync.sink;

import com.alignersync.event.SourceTable;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
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

    /** Keys per locking read; SQL Server allows 2,100 parameters per statement. */
    public static final int MAX_KEYS_PER_STATEMENT = 500;

    public static SqlDialect forJdbcUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlserver:")) {
            return SQL_SERVER;
        }
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return H2;
        }
        throw new IllegalArgumentException("unsupported JDBC URL (expected jdbc:sqlserver: or jdbc:h2:): " + com.alignersync.config.UrlSecrets.mask(jdbcUrl));
    }

    /**
     * The URL the sink's pool opens. H2 keeps 8 parsed statements per session by default and
     * evicts the least recently used; one sink transaction can use 10 (two ledger and two clinic
     * locking reads, three writes, the ledger insert and merge, the state probe), so in a
     * cycle each pushed out the one needed next and every statement was parsed again. 32 keeps
     * them all. An H2 database opened earlier with other settings keeps its own (H2 ignores the
     * setting then). SQL Server's URL is used as it is.
     */
    public String poolUrl(String jdbcUrl) {
        if (this == H2 && !jdbcUrl.toUpperCase(java.util.Locale.ROOT).contains("QUERY_CACHE_SIZE=")) {
            return jdbcUrl + ";QUERY_CACHE_SIZE=32";
        }
        return jdbcUrl;
    }

    /**
     * Whether the sink must serialize its transactions itself. H2 ignores lock hints, and its
     * {@code FOR UPDATE} cannot lock a key that does not exist yet (so two first sightings of a
     * key could both insert) and re-checks every locked row (which made batched reads several
     * times slower); so with H2 one sink transaction runs at a time and reads take no locks.
     * SQL Server's {@code UPDLOCK, HOLDLOCK} takes key and key-range locks and needs no such help.
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
                    )""",
                    addLedgerColumn("AppliedLsn", "bigint"),
                    addLedgerColumn("WrittenAt", "bigint"),
                    addLedgerColumn("EchoHash", "char(64)"),
                    addLedgerColumn("EchoUntil", "bigint"));
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
                    )""",
                    addLedgerColumn("AppliedLsn", "bigint"),
                    addLedgerColumn("WrittenAt", "bigint"),
                    addLedgerColumn("EchoHash", "char(64)"),
                    addLedgerColumn("EchoUntil", "bigint"));
        };
    }

    /**
     * Run on every new connection of the pool. {@code SET LOCK_TIMEOUT}: SQL Server's default
     * (-1) waits forever behind a clinic user's lock; with a bound the statement fails with 1222
     * and the sink retries. {@code SESSION_CONTEXT(N'aligner_sync') = 1} marks the daemon's own
     * writes, so a clinic's forward-sync trigger can skip them instead of echoing them back to
     * the portal (connector-config/forward-sync-skip-aligner-sync.sql). H2 needs neither (its
     * writers queue in the sink, bounded there) and refuses {@code SET LOCK_TIMEOUT} to a login
     * that is not an admin: null.
     */
    public String sessionSettings(Duration lockTimeout) {
        return this == SQL_SERVER
                ? "SET LOCK_TIMEOUT " + lockTimeout.toMillis() + "; EXEC sp_set_session_context @key = N'aligner_sync', @value = 1;"
                : null;
    }

    /**
     * Asks whether the transaction is still alive before it is committed: {@code XACT_STATE()}
     * is 1 for an active, committable transaction, 0 when SQL Server already ended it (a trigger
     * error under {@code XACT_ABORT}), -1 when it is doomed. mssql-jdbc's {@code commit()} sends
     * {@code IF @@TRANCOUNT > 0 COMMIT TRAN} and so says nothing about a transaction that is gone.
     * H2 never ends a transaction on its own (statement-level rollback only): it answers 1.
     */
    public String transactionStateProbe() {
        return switch (this) {
            case SQL_SERVER -> "SELECT XACT_STATE()";
            case H2 -> "SELECT 1 AS XACT_STATE";
        };
    }

    /**
     * Columns added after the first release (the two-way rules: the LSN tie-break and the echo
     * bookkeeping of {@link DedupRules}), nullable so that an existing ledger upgrades in place:
     * {@code init} adds them when missing and stays idempotent.
     */
    private String addLedgerColumn(String column, String type) {
        return switch (this) {
            case SQL_SERVER -> "IF COL_LENGTH(N'" + LEDGER + "', N'" + column + "') IS NULL ALTER TABLE " + LEDGER
                    + " ADD " + column + " " + type + " NULL";
            case H2 -> "ALTER TABLE " + LEDGER + " ADD COLUMN IF NOT EXISTS " + column + " " + type + " NULL";
        };
    }

    /** Fails on a ledger created by an older release, whose upgrade columns {@code init} has not added yet. */
    public String ledgerProbe() {
        return "SELECT COUNT(AppliedLsn), COUNT(WrittenAt), COUNT(EchoHash), COUNT(EchoUntil) FROM " + LEDGER + " WHERE 1 = 0";
    }

    /** Reads nothing, but fails when the table is missing or the login may not read it. */
    public String tableProbe(String table) {
        return "SELECT COUNT(*) FROM " + table + " WHERE 1 = 0";
    }

    /**
     * Locks the ledger entries of up to {@link #MAX_KEYS_PER_STATEMENT} keys of one table.
     * Parameters: the keys. The table name is one of two constants, written as a literal so
     * that the composite key is sought. SQL Server seeks {@code SourceTable = 'x' AND SourceKey
     * IN (...)}. H2 uses only the first key column for that form (a range scan of the whole
     * table), and for a row-value or plain {@code IN} list it seeks each key but then checks
     * every row found against the whole list again, one comparison per listed key (JFR: a
     * quarter of the sink's time in {@code ConditionIn}/{@code ExpressionList.getValue} at 500
     * keys); so on H2 the keys are an array parameter unnested and joined on the key: one seek
     * per key, nothing re-checked ({@link #h2Keys}). Bind with {@link #bindKeys}.
     */
    public String lockLedgerEntries(SourceTable table, int keys) {
        String name = "'" + table.tableName() + "'";
        return switch (this) {
            case SQL_SERVER -> "SELECT SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedLsn, WrittenAt FROM "
                    + LEDGER + lockHint() + " WHERE SourceTable = " + name + " AND SourceKey IN (" + placeholders(keys) + ")";
            case H2 -> "SELECT l.SourceKey, l.AppliedVersion, l.ContentHash, l.IsTombstone, l.AppliedLsn, l.WrittenAt"
                    + " FROM " + h2Keys(keys) + " JOIN " + LEDGER + " l ON l.SourceTable = " + name + " AND l.SourceKey = k.K";
        };
    }

    /**
     * The ledger entry of a key the same transaction read as absent. Parameters: SourceTable,
     * SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy, AppliedLsn, WrittenAt.
     * No MERGE: the sink already holds the key's lock ({@code UPDLOCK, HOLDLOCK} on SQL Server,
     * which range-locks an absent key; H2's single writer) and knows which entries exist, so an
     * INSERT for new keys and an UPDATE for known ones do the same without MERGE's known SQL
     * Server defects, and run on T-SQL engines that have no MERGE. mssql-jdbc sends every String
     * parameter as nvarchar ({@code sendStringParametersAsUnicode}, re-tagging even
     * {@code setObject(i, s, Types.VARCHAR)}), and {@code varchar_column = nvarchar} converts the
     * COLUMN: a scan under HOLDLOCK that range-locks the whole ledger. CAST converts the parameter
     * instead, whatever the URL says. EchoHash and EchoUntil (an earlier release's echo window)
     * are written NULL.
     */
    public String insertLedgerEntry() {
        return switch (this) {
            case SQL_SERVER -> "INSERT INTO " + LEDGER
                    + " (SourceTable, SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy, AppliedAt, AppliedLsn, WrittenAt, EchoHash, EchoUntil)"
                    + " VALUES (CAST(? AS varchar(64)), ?, ?, CAST(? AS char(64)), ?, CAST(? AS varchar(16)), SYSUTCDATETIME(), ?, ?, NULL, NULL)";
            case H2 -> "INSERT INTO " + LEDGER
                    + " (SourceTable, SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy, AppliedAt, AppliedLsn, WrittenAt, EchoHash, EchoUntil)"
                    + " VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP, ?, ?, NULL, NULL)";
        };
    }

    /**
     * The ledger entry of a key the same transaction read, under lock, as present. Parameters:
     * AppliedVersion, ContentHash, IsTombstone, AppliedBy, AppliedLsn, WrittenAt, SourceTable,
     * SourceKey (see {@link #insertLedgerEntry} for the casts).
     */
    public String updateLedgerEntry() {
        return switch (this) {
            case SQL_SERVER -> "UPDATE " + LEDGER + " SET AppliedVersion = ?, ContentHash = CAST(? AS char(64)), IsTombstone = ?,"
                    + " AppliedBy = CAST(? AS varchar(16)), AppliedAt = SYSUTCDATETIME(), AppliedLsn = ?, WrittenAt = ?, EchoHash = NULL,"
                    + " EchoUntil = NULL WHERE SourceTable = CAST(? AS varchar(64)) AND SourceKey = ?";
            case H2 -> "UPDATE " + LEDGER + " SET AppliedVersion = ?, ContentHash = ?, IsTombstone = ?, AppliedBy = ?,"
                    + " AppliedAt = CURRENT_TIMESTAMP, AppliedLsn = ?, WrittenAt = ?, EchoHash = NULL, EchoUntil = NULL"
                    + " WHERE SourceTable = ? AND SourceKey = ?";
        };
    }

    /** Locks up to {@link #MAX_KEYS_PER_STATEMENT} notes. Parameters: the NoteIDs. */
    public String lockNotes(int keys) {
        return switch (this) {
            case SQL_SERVER -> "SELECT NoteID, AlignerSetID, NoteType, NoteText, IsEdited, EditedAt, IsRead FROM " + NOTES + lockHint()
                    + " WHERE NoteID IN (" + placeholders(keys) + ")";
            case H2 -> "SELECT n.NoteID, n.AlignerSetID, n.NoteType, n.NoteText, n.IsEdited, n.EditedAt, n.IsRead FROM " + h2Keys(keys)
                    + " JOIN " + NOTES + " n ON n.NoteID = k.K";
        };
    }

    /**
     * NoteID is an IDENTITY column and the portal's note_id must be kept, so SQL Server needs
     * {@code IDENTITY_INSERT} around the inserts; H2 takes explicit identity values as they are.
     *
     * @return the statement to run before ({@code on}) or after the note inserts, or null when none is needed
     */
    public String identityInsert(boolean on) {
        return this == SQL_SERVER ? "SET IDENTITY_INSERT " + NOTES + (on ? " ON" : " OFF") : null;
    }

    /**
     * Parameters: NoteID, AlignerSetID, NoteType, NoteText, CreatedAt, IsEdited, EditedAt, IsRead.
     * NoteType is varchar(20): cast as the ledger's keys are; NoteText is nvarchar(max), bound with setNString.
     */
    public String insertNote() {
        String noteType = this == SQL_SERVER ? "CAST(? AS varchar(20))" : "?";
        return "INSERT INTO " + NOTES + " (NoteID, AlignerSetID, NoteType, NoteText, CreatedAt, IsEdited, EditedAt, IsRead)"
                + " VALUES (?, ?, " + noteType + ", ?, ?, ?, ?, ?)";
    }

    /** Parameters: NoteText, IsEdited, EditedAt, IsRead, NoteID. */
    public String updateNote() {
        return "UPDATE " + NOTES + " SET NoteText = ?, IsEdited = ?, EditedAt = ?, IsRead = ? WHERE NoteID = ?";
    }

    public String deleteNote() {
        return "DELETE FROM " + NOTES + " WHERE NoteID = ?";
    }

    /** Locks up to {@link #MAX_KEYS_PER_STATEMENT} batches. Parameters: the AlignerBatchIDs. */
    public String lockBatches(int keys) {
        return switch (this) {
            case SQL_SERVER -> "SELECT AlignerBatchID, Days FROM " + BATCHES + lockHint() + " WHERE AlignerBatchID IN (" + placeholders(keys) + ")";
            case H2 -> "SELECT b.AlignerBatchID, b.Days FROM " + h2Keys(keys) + " JOIN " + BATCHES + " b ON b.AlignerBatchID = k.K";
        };
    }

    /** Parameters: Days, AlignerBatchID. The only column of tblAlignerBatches the daemon ever writes. */
    public String updateBatchDays() {
        return "UPDATE " + BATCHES + " SET Days = ? WHERE AlignerBatchID = ?";
    }

    /**
     * One page of a table's live (non-tombstone) ledger keys, ascending: the keys the ledger
     * says the portal gave and did not delete. Parameters: the key to start after, the page size.
     * {@code OFFSET 0 ROWS FETCH NEXT} is the paging both SQL Server and H2 accept.
     */
    public String liveLedgerKeysPage(SourceTable table) {
        return "SELECT SourceKey FROM " + LEDGER + " WHERE SourceTable = '" + table.tableName() + "' AND IsTombstone = 0"
                + " AND SourceKey > ? ORDER BY SourceKey OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY";
    }

    /** Reads (without locking) the ledger entries of up to {@link #MAX_KEYS_PER_STATEMENT} keys. Parameters: the keys. */
    public String readLedgerEntries(SourceTable table, int keys) {
        String locking = lockLedgerEntries(table, keys);
        return this == SQL_SERVER ? locking.replace(lockHint(), "") : locking;
    }

    /** One page of the clinic's Doctor notes by NoteID, read without locks. Parameters: the NoteID to start after, the page size. */
    public String doctorNotesPage() {
        return "SELECT NoteID, AlignerSetID, NoteType, NoteText, IsEdited, EditedAt, IsRead FROM " + NOTES
                + " WHERE NoteType = 'Doctor' AND NoteID > ? ORDER BY NoteID OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY";
    }

    /** One page of the clinic's batches by AlignerBatchID, read without locks. Parameters: the id to start after, the page size. */
    public String batchDaysPage() {
        return "SELECT AlignerBatchID, Days FROM " + BATCHES + " WHERE AlignerBatchID > ? ORDER BY AlignerBatchID"
                + " OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY";
    }

    /**
     * H2 only: up to {@link #MAX_KEYS_PER_STATEMENT} keys as a one-column table {@code k(K)}, to
     * be joined on the key (see {@link #lockLedgerEntries}). One array parameter, so the text is
     * the same whatever the number of keys and H2 parses it once per session (its query cache):
     * a {@code VALUES} list of 500 parameters took a fifth of the poll's sink time in parsing.
     */
    private static String h2Keys(int count) {
        checkedCount(count);
        return "UNNEST(CAST(? AS BIGINT ARRAY)) AS k(K)";
    }

    /**
     * Binds the keys of a statement from {@link #lockLedgerEntries}, {@link #readLedgerEntries},
     * {@link #lockNotes} or {@link #lockBatches}: one parameter per key on SQL Server, one array
     * on H2.
     */
    public void bindKeys(PreparedStatement statement, List<Long> keys) throws SQLException {
        checkedCount(keys.size());
        if (this == H2) {
            statement.setObject(1, keys.toArray(new Long[0]));
        } else {
            for (int i = 0; i < keys.size(); i++) {
                statement.setLong(i + 1, keys.get(i));
            }
        }
    }

    private static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(checkedCount(count), "?"));
    }

    private static int checkedCount(int count) {
        if (count < 1 || count > MAX_KEYS_PER_STATEMENT) {
            throw new IllegalArgumentException("between 1 and " + MAX_KEYS_PER_STATEMENT + " keys per statement, not " + count);
        }
        return count;
    }

    private String lockHint() {
        return this == SQL_SERVER ? " WITH (UPDLOCK, HOLDLOCK)" : "";
    }
}
