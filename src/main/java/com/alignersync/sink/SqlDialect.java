package com.alignersync.sink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where the two databases the sink speaks differ, and nothing else: SQL Server (the product's
 * target) and H2 in MODE=MSSQLServer (the embedded and test target). H2 rejects
 * {@code MERGE ... WITH (HOLDLOCK)}, {@code SET IDENTITY_INSERT}, {@code SYSUTCDATETIME()}
 * and {@code IF} blocks, and ignores {@code UPDLOCK}; every such difference lives here. What the
 * tables are lives in {@link LedgerSql} (the daemon's ledger) and {@link ClinicSql} (the
 * clinic's tables), which build their statements from these pieces.
 */
public enum SqlDialect {
    SQL_SERVER,
    H2;

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
     * Creates a table unless it exists, as statements that can run any number of times: an
     * {@code IF OBJECT_ID} block on SQL Server; H2 has no {@code IF} blocks but
     * {@code IF NOT EXISTS}, and an empty database has no {@code dbo} schema yet.
     *
     * @param body the column and constraint lines, without the parentheses
     */
    List<String> createTableIfMissing(String table, String body) {
        return switch (this) {
            case SQL_SERVER -> List.of("IF OBJECT_ID(N'" + table + "', N'U') IS NULL\nCREATE TABLE " + table + " (\n" + body + "\n)");
            case H2 -> List.of("CREATE SCHEMA IF NOT EXISTS " + table.substring(0, table.indexOf('.')),
                    "CREATE TABLE IF NOT EXISTS " + table + " (\n" + body + "\n)");
        };
    }

    /** Adds a nullable column unless it exists: a table upgrades in place, and the statement can run again. */
    String addColumnIfMissing(String table, String column, String type) {
        return switch (this) {
            case SQL_SERVER -> "IF COL_LENGTH(N'" + table + "', N'" + column + "') IS NULL ALTER TABLE " + table
                    + " ADD " + column + " " + type + " NULL";
            case H2 -> "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + column + " " + type + " NULL";
        };
    }

    /** The type of a column holding a moment in UTC at microsecond precision. */
    String utcTimestampType() {
        return this == SQL_SERVER ? "datetime2(6)" : "timestamp with time zone";
    }

    /** The database's clock, for a column of {@link #utcTimestampType()}. */
    String utcNow() {
        return this == SQL_SERVER ? "SYSUTCDATETIME()" : "CURRENT_TIMESTAMP";
    }

    /**
     * The placeholder of a String parameter compared with or written to a {@code varchar}/{@code char}
     * column. mssql-jdbc sends every String parameter as nvarchar ({@code sendStringParametersAsUnicode},
     * re-tagging even {@code setObject(i, s, Types.VARCHAR)}), and {@code varchar_column = nvarchar}
     * converts the COLUMN: a scan under HOLDLOCK that range-locks the whole table. CAST converts the
     * parameter instead, whatever the URL says. H2 needs no cast.
     */
    String stringParameter(String columnType) {
        return this == SQL_SERVER ? "CAST(? AS " + columnType + ")" : "?";
    }

    /**
     * Explicit values for an IDENTITY column: SQL Server needs {@code IDENTITY_INSERT} around the
     * inserts; H2 takes them as they are.
     *
     * @return the statement to run before ({@code on}) or after the inserts, or null when none is needed
     */
    String identityInsert(String table, boolean on) {
        return this == SQL_SERVER ? "SET IDENTITY_INSERT " + table + (on ? " ON" : " OFF") : null;
    }

    /**
     * Reads the rows of up to {@link #MAX_KEYS_PER_STATEMENT} keys of a table, locked or not.
     * Parameters: the keys; bind with {@link #bindKeys}.
     *
     * <p>SQL Server locks with {@code UPDLOCK, HOLDLOCK} (key and key-range locks, so an absent key
     * is locked too) and seeks {@code fixed = 'x' AND key IN (...)}. H2 ignores the hint (the
     * sink's single writer locks instead) and uses only the first key column for that form (a
     * range scan of the whole table); for a row-value or plain {@code IN} list it seeks each key
     * but then checks every row found against the whole list again, one comparison per listed key
     * (JFR: a quarter of the sink's time in {@code ConditionIn}/{@code ExpressionList.getValue} at
     * 500 keys). So on H2 the keys are an array parameter unnested and joined on the key: one seek
     * per key, nothing re-checked ({@link #h2Keys}).
     *
     * @param read which table, columns and key
     * @param keys how many keys the statement takes
     * @param lock whether the rows are locked until the transaction ends
     */
    String selectByKeys(KeyedRead read, int keys, boolean lock) {
        return switch (this) {
            case SQL_SERVER -> "SELECT " + String.join(", ", read.columns()) + " FROM " + read.table()
                    + (lock ? " WITH (UPDLOCK, HOLDLOCK)" : "") + " WHERE "
                    + (read.fixedColumn() == null ? "" : read.fixedColumn() + " = " + read.fixedLiteral() + " AND ")
                    + read.keyColumn() + " IN (" + placeholders(keys) + ")";
            case H2 -> {
                String a = read.alias() + ".";
                yield "SELECT " + read.columns().stream().map(c -> a + c).collect(Collectors.joining(", ")) + " FROM " + h2Keys(keys)
                        + " JOIN " + read.table() + " " + read.alias() + " ON "
                        + (read.fixedColumn() == null ? "" : a + read.fixedColumn() + " = " + read.fixedLiteral() + " AND ")
                        + a + read.keyColumn() + " = k.K";
            }
        };
    }

    /**
     * A read of rows by key for {@link #selectByKeys}.
     *
     * @param alias        the table's alias where the dialect joins it
     * @param fixedColumn  a leading key column every row read has the same value in (null: none), with that value as a SQL literal
     */
    record KeyedRead(String table, String alias, List<String> columns, String keyColumn, String fixedColumn, String fixedLiteral) {

        KeyedRead(String table, String alias, List<String> columns, String keyColumn) {
            this(table, alias, columns, keyColumn, null, null);
        }
    }

    /** Binds the keys of a statement from {@link #selectByKeys}: one parameter per key on SQL Server, one array on H2. */
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

    /**
     * H2 only: up to {@link #MAX_KEYS_PER_STATEMENT} keys as a one-column table {@code k(K)}, to
     * be joined on the key. One array parameter, so the text is the same whatever the number of
     * keys and H2 parses it once per session (its query cache): a {@code VALUES} list of 500
     * parameters took a fifth of the poll's sink time in parsing.
     */
    private static String h2Keys(int count) {
        checkedCount(count);
        return "UNNEST(CAST(? AS BIGINT ARRAY)) AS k(K)";
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
}
