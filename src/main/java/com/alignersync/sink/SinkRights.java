package com.alignersync.sink;

import java.util.ArrayList;
import java.util.List;

/**
 * Every right the sink's SQL Server login needs, each with statements that prove it without
 * changing anything (they touch no row, and {@code check} rolls them back) and the GRANT that
 * gives it. SQL Server checks permissions when a statement runs, whether or not it touches a row.
 */
public final class SinkRights {

    /**
     * @param probes the statements that fail with 229/1088 (H2: 90096) when the right is missing;
     *               empty when the dialect does not need the right
     */
    public record Right(String privilege, String table, List<String> probes) {

        public String name() {
            return "right " + privilege + " on " + table;
        }

        /** The statement a DBA runs; IDENTITY_INSERT is granted through ALTER on the table. */
        public String grant(String login) {
            String permission = privilege.equals("IDENTITY_INSERT") ? "ALTER" : privilege;
            return "GRANT " + permission + " ON " + table + " TO [" + (login == null || login.isEmpty() ? "<login>" : login) + "]";
        }
    }

    /** The NOT NULL columns of a note besides NoteID. */
    private static final String NOTE_COLUMNS = "AlignerSetID, NoteType, NoteText, IsRead";
    private static final String LEDGER_COLUMNS = LedgerSql.FIRST_RELEASE_COLUMNS;

    private SinkRights() {
    }

    public static List<Right> required(SqlDialect dialect) {
        String notes = ClinicSql.NOTES;
        String batches = ClinicSql.BATCHES;
        String ledger = LedgerSql.TABLE;
        ClinicSql clinic = new ClinicSql(dialect);
        List<Right> rights = new ArrayList<>();
        rights.add(new Right("SELECT", notes, List.of(ClinicSql.tableProbe(notes))));
        // NoteID is left out: an explicit identity value without IDENTITY_INSERT is refused (544) before any right is checked.
        rights.add(new Right("INSERT", notes, List.of("INSERT INTO " + notes + " (" + NOTE_COLUMNS + ") SELECT " + NOTE_COLUMNS
                + " FROM " + notes + " WHERE 1 = 0")));
        rights.add(new Right("UPDATE", notes, List.of("UPDATE " + notes + " SET NoteText = NoteText WHERE 1 = 0")));
        rights.add(new Right("DELETE", notes, List.of("DELETE FROM " + notes + " WHERE 1 = 0")));
        String on = clinic.identityInsert(true);
        rights.add(new Right("IDENTITY_INSERT", notes, on == null ? List.of() : List.of(on, clinic.identityInsert(false))));
        rights.add(new Right("SELECT", batches, List.of(ClinicSql.tableProbe(batches))));
        rights.add(new Right("UPDATE", batches, List.of("UPDATE " + batches + " SET Days = Days WHERE 1 = 0")));
        rights.add(new Right("SELECT", ledger, List.of(ClinicSql.tableProbe(ledger))));
        rights.add(new Right("INSERT", ledger, List.of("INSERT INTO " + ledger + " (" + LEDGER_COLUMNS + ") SELECT " + LEDGER_COLUMNS
                + " FROM " + ledger + " WHERE 1 = 0")));
        rights.add(new Right("UPDATE", ledger, List.of("UPDATE " + ledger + " SET AppliedVersion = AppliedVersion WHERE 1 = 0")));
        rights.add(new Right("DELETE", ledger, List.of("DELETE FROM " + ledger + " WHERE 1 = 0")));
        return rights;
    }
}
