package com.alignersync.sink;

import static com.alignersync.sink.support.TestEvents.doctorNote;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alignersync.config.SinkConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The parameter types SQL Server sees from the SQL Server dialect, as the exact-SQL tests pin
 * the text. With mssql-jdbc's default {@code sendStringParametersAsUnicode=true} every String
 * parameter arrives as nvarchar, whichever setter bound it (its {@code Parameter.setValue}
 * re-tags even {@code setObject(i, s, Types.VARCHAR)}); a varchar key compared with nvarchar
 * converts the column and scans it under HOLDLOCK. So a varchar column's parameter must be
 * CAST in the statement, and nvarchar(max) NoteText is bound with setNString (nvarchar whatever
 * the setting). This test records the sink's binds on a connection that runs nothing.
 */
class SqlServerParameterTypesTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("CAST\\(\\? AS (\\w+\\(\\d+\\))\\)|\\?");

    /** One prepared statement's SQL and, per parameter, the setter that bound it. */
    private record Bound(String sql, Map<Integer, String> setters) {

        /** The type SQL Server compares with, parameter by parameter (1-based), assuming sendStringParametersAsUnicode=true. */
        String typeOf(int index) {
            Matcher m = PLACEHOLDER.matcher(sql);
            for (int i = 1; m.find(); i++) {
                if (i == index) {
                    if (m.group(1) != null) {
                        return m.group(1);
                    }
                    return switch (setters.get(index)) {
                        case "setString", "setNString" -> "nvarchar";
                        case "setLong" -> "bigint";
                        case "setBoolean" -> "bit";
                        default -> setters.get(index);
                    };
                }
            }
            throw new AssertionError("no parameter " + index + " in " + sql);
        }
    }

    private final List<Bound> bound = new ArrayList<>();

    private Connection recordingConnection() {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "prepareStatement" -> {
                    Bound b = new Bound((String) args[0], new LinkedHashMap<>());
                    bound.add(b);
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                        if (m.getName().startsWith("set") && a != null && a.length >= 2 && a[0] instanceof Integer index) {
                            b.setters().put(index, m.getName());
                        }
                        return m.getName().equals("executeBatch") ? new int[0] : null;
                    });
                }
                case "createStatement" -> {
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class}, (p, m, a) -> false);
                }
                default -> {
                    return null;
                }
            }
        });
    }

    private Bound statementStartingWith(String prefix) {
        return bound.stream().filter(b -> b.sql().startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError("no " + prefix));
    }

    @Test
    void ledgerKeysReachSqlServerAsVarcharSoItsUpdateAndInsertSeek() throws Exception {
        Statements statements = new Statements(Duration.ofSeconds(30));
        new Ledger(SqlDialect.SQL_SERVER, statements).record(recordingConnection(),
                List.of(new Ledger.Update(SourceTable.ALIGNER_NOTES, 7, new LedgerEntry(1, "a".repeat(64), false), "CDC", false),
                        new Ledger.Update(SourceTable.ALIGNER_NOTES, 8, new LedgerEntry(2, "b".repeat(64), false), "CDC", true)));

        Bound insert = statementStartingWith("INSERT INTO dbo.AlignerSyncLedger");
        assertEquals("varchar(64)", insert.typeOf(1), "SourceTable, the first key column");
        assertEquals("bigint", insert.typeOf(2), "SourceKey");
        assertEquals("char(64)", insert.typeOf(4), "ContentHash");
        assertEquals("varchar(16)", insert.typeOf(6), "AppliedBy");
        Bound update = statementStartingWith("UPDATE dbo.AlignerSyncLedger");
        assertEquals("char(64)", update.typeOf(2), "ContentHash");
        assertEquals("varchar(16)", update.typeOf(4), "AppliedBy");
        assertEquals("varchar(64)", update.typeOf(7), "SourceTable, the key the UPDATE seeks on");
        assertEquals("bigint", update.typeOf(8), "SourceKey");
    }

    @Test
    void noteTextIsUnicodeAndNoteTypeIsVarchar() throws Exception {
        TargetWriter writer = new TargetWriter(SqlDialect.SQL_SERVER, new Statements(Duration.ofSeconds(30)),
                new ClinicDatetime(ZoneOffset.UTC), SinkConfig.DeleteMode.DELETE);
        ChangeEvent insert = doctorNote(Input.CDC, Op.CREATE, 1, "Zahnschiene prüfen ✓", 0);
        ChangeEvent update = doctorNote(Input.CDC, Op.UPDATE, 2, "überarbeitet", 1);
        writer.execute(recordingConnection(), List.of(
                new TargetWriter.Write(TargetWriter.Write.Kind.INSERT_NOTE, insert, Outcome.APPLIED, "note inserted"),
                new TargetWriter.Write(TargetWriter.Write.Kind.UPDATE_NOTE, update, Outcome.APPLIED, "note updated")));

        Bound insertNote = statementStartingWith("INSERT INTO dbo.tblAlignerNotes");
        assertEquals("varchar(20)", insertNote.typeOf(3), "NoteType");
        assertEquals("setNString", insertNote.setters().get(4), "NoteText is nvarchar(max)");
        assertEquals("setNString", statementStartingWith("UPDATE dbo.tblAlignerNotes").setters().get(1), "NoteText");
    }
}
