package com.alignersync.sink;

import com.alignersync.event.SourceTable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The daemon's one table in the clinic's database, {@code dbo.AlignerSyncLedger}: its columns,
 * defined once, and every statement on it (the DDL {@code init} runs, the readiness probe, the
 * sink's locking reads and writes, reconcile's pages), in the given dialect.
 */
public final class LedgerSql {

    public static final String TABLE = "dbo.AlignerSyncLedger";

    /** How a write gives a column its value. */
    private enum Written {
        /** a parameter, bound in column order */
        PARAMETER,
        /** the database's clock */
        NOW,
        /** an earlier release's echo window, no longer kept: NULL */
        RETIRED
    }

    /**
     * @param type    the SQL type; null for the dialect's UTC timestamp type
     * @param key     part of the primary key
     * @param since   false for the first release's columns (NOT NULL); true for those added after it
     *                (the two-way rules: the LSN tie-break and the echo bookkeeping of {@link DedupRules}),
     *                nullable so that an existing ledger upgrades in place: {@code init} adds them when
     *                missing and stays idempotent
     * @param comment what a DBA reading the DDL should know, or null
     */
    private record Column(String name, String type, Written written, boolean key, boolean since, String comment) {

        boolean text() {
            return type != null && (type.startsWith("varchar") || type.startsWith("char"));
        }
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("SourceTable", "varchar(64)", Written.PARAMETER, true, false, null),
            new Column("SourceKey", "bigint", Written.PARAMETER, true, false, null),
            new Column("AppliedVersion", "bigint", Written.PARAMETER, false, false, "source version in epoch microseconds, exact"),
            new Column("ContentHash", "char(64)", Written.PARAMETER, false, false, null),
            new Column("IsTombstone", "bit", Written.PARAMETER, false, false, null),
            new Column("AppliedBy", "varchar(16)", Written.PARAMETER, false, false, null),
            new Column("AppliedAt", null, Written.NOW, false, false, null),
            new Column("AppliedLsn", "bigint", Written.PARAMETER, false, true, null),
            new Column("WrittenAt", "bigint", Written.PARAMETER, false, true, null),
            new Column("EchoHash", "char(64)", Written.RETIRED, false, true, null),
            new Column("EchoUntil", "bigint", Written.RETIRED, false, true, null));

    /** What a read of entries returns, in this order: the key, then the {@link LedgerEntry}. */
    private static final List<String> ENTRY = List.of("SourceKey", "AppliedVersion", "ContentHash", "IsTombstone", "AppliedLsn", "WrittenAt");

    /** Fails on a ledger created by an older release, whose upgrade columns {@code init} has not added yet. */
    public static final String PROBE = "SELECT " + COLUMNS.stream().filter(Column::since).map(c -> "COUNT(" + c.name() + ")")
            .collect(Collectors.joining(", ")) + " FROM " + TABLE + " WHERE 1 = 0";

    /** The first release's columns, which every ledger has (the right to insert is proved on them). */
    public static final String FIRST_RELEASE_COLUMNS = names(COLUMNS.stream().filter(c -> !c.since()).toList(), ", ");

    private final SqlDialect dialect;

    public LedgerSql(SqlDialect dialect) {
        this.dialect = dialect;
    }

    /** Idempotent DDL for the ledger table; the clinic's tables are never altered. */
    public List<String> ddl() {
        StringBuilder body = new StringBuilder();
        for (Column c : COLUMNS) {
            if (!c.since()) {
                body.append(String.format("  %-14s %-11s NOT NULL,%s\n", c.name(), type(c), c.comment() == null ? "" : " -- " + c.comment()));
            }
        }
        body.append("  CONSTRAINT PK_AlignerSyncLedger PRIMARY KEY (").append(names(COLUMNS.stream().filter(Column::key).toList(), ", "))
                .append(')');
        List<String> ddl = new ArrayList<>(dialect.createTableIfMissing(TABLE, body.toString()));
        COLUMNS.stream().filter(Column::since).forEach(c -> ddl.add(dialect.addColumnIfMissing(TABLE, c.name(), type(c))));
        return ddl;
    }

    /**
     * Locks the entries of up to {@link SqlDialect#MAX_KEYS_PER_STATEMENT} keys of one table.
     * Parameters: the keys. The table name is one of two constants, written as a literal so that
     * the composite key is sought.
     */
    String lockEntries(SourceTable table, int keys) {
        return dialect.selectByKeys(entries(table), keys, true);
    }

    /** Reads (without locking) the entries of up to {@link SqlDialect#MAX_KEYS_PER_STATEMENT} keys. Parameters: the keys. */
    String readEntries(SourceTable table, int keys) {
        return dialect.selectByKeys(entries(table), keys, false);
    }

    private static SqlDialect.KeyedRead entries(SourceTable table) {
        return new SqlDialect.KeyedRead(TABLE, "l", ENTRY, "SourceKey", "SourceTable", "'" + table.tableName() + "'");
    }

    /**
     * The entry of a key the same transaction read as absent. Parameters: SourceTable,
     * SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy, AppliedLsn, WrittenAt.
     * No MERGE: the sink already holds the key's lock ({@code UPDLOCK, HOLDLOCK} on SQL Server,
     * which range-locks an absent key; H2's single writer) and knows which entries exist, so an
     * INSERT for new keys and an UPDATE for known ones do the same without MERGE's known SQL
     * Server defects, and run on T-SQL engines that have no MERGE. Text parameters are cast
     * ({@link SqlDialect#stringParameter}).
     */
    String insertEntry() {
        return "INSERT INTO " + TABLE + " (" + names(COLUMNS, ", ") + ") VALUES ("
                + COLUMNS.stream().map(this::value).collect(Collectors.joining(", ")) + ")";
    }

    /**
     * The entry of a key the same transaction read, under lock, as present. Parameters:
     * AppliedVersion, ContentHash, IsTombstone, AppliedBy, AppliedLsn, WrittenAt, SourceTable,
     * SourceKey (see {@link #insertEntry} for the casts).
     */
    String updateEntry() {
        return "UPDATE " + TABLE + " SET " + COLUMNS.stream().filter(c -> !c.key()).map(c -> c.name() + " = " + value(c))
                .collect(Collectors.joining(", "))
                + " WHERE " + COLUMNS.stream().filter(Column::key).map(c -> c.name() + " = " + value(c)).collect(Collectors.joining(" AND "));
    }

    /**
     * One page of a table's live (non-tombstone) ledger keys, ascending: the keys the ledger
     * says the portal gave and did not delete. Parameters: the key to start after, the page size.
     * {@code OFFSET 0 ROWS FETCH NEXT} is the paging both SQL Server and H2 accept.
     */
    String liveKeysPage(SourceTable table) {
        return "SELECT SourceKey FROM " + TABLE + " WHERE SourceTable = '" + table.tableName() + "' AND IsTombstone = 0"
                + " AND SourceKey > ? ORDER BY SourceKey OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY";
    }

    private String value(Column c) {
        return switch (c.written()) {
            case PARAMETER -> c.text() ? dialect.stringParameter(c.type()) : "?";
            case NOW -> dialect.utcNow();
            case RETIRED -> "NULL";
        };
    }

    private String type(Column c) {
        return c.type() == null ? dialect.utcTimestampType() : c.type();
    }

    private static String names(List<Column> columns, String separator) {
        return columns.stream().map(Column::name).collect(Collectors.joining(separator));
    }
}
