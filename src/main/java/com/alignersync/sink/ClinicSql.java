package com.alignersync.sink;

import java.util.List;

/**
 * The statements on the clinic's own tables, {@code tblAlignerNotes} and
 * {@code tblAlignerBatches}, in the given dialect: the sink's locking reads and writes, and
 * verify's pages. The daemon never alters these tables; of a batch it only ever writes Days.
 */
public final class ClinicSql {

    public static final String NOTES = "dbo.tblAlignerNotes";
    public static final String BATCHES = "dbo.tblAlignerBatches";

    /** What a read of a note returns (an insert writes CreatedAt too). */
    private static final List<String> NOTE = List.of("NoteID", "AlignerSetID", "NoteType", "NoteText", "IsEdited", "EditedAt", "IsRead");
    private static final List<String> BATCH = List.of("AlignerBatchID", "Days");

    private final SqlDialect dialect;

    public ClinicSql(SqlDialect dialect) {
        this.dialect = dialect;
    }

    /** Reads nothing, but fails when the table (any in the clinic's database, the ledger too) is missing or the login may not read it. */
    public static String tableProbe(String table) {
        return "SELECT COUNT(*) FROM " + table + " WHERE 1 = 0";
    }

    /** Locks up to {@link SqlDialect#MAX_KEYS_PER_STATEMENT} notes. Parameters: the NoteIDs. */
    String lockNotes(int keys) {
        return dialect.selectByKeys(new SqlDialect.KeyedRead(NOTES, "n", NOTE, "NoteID"), keys, true);
    }

    /** Locks up to {@link SqlDialect#MAX_KEYS_PER_STATEMENT} batches. Parameters: the AlignerBatchIDs. */
    String lockBatches(int keys) {
        return dialect.selectByKeys(new SqlDialect.KeyedRead(BATCHES, "b", BATCH, "AlignerBatchID"), keys, true);
    }

    /**
     * NoteID is an IDENTITY column and the portal's note_id must be kept.
     *
     * @return the statement to run before ({@code on}) or after the note inserts, or null when none is needed
     */
    String identityInsert(boolean on) {
        return dialect.identityInsert(NOTES, on);
    }

    /**
     * Parameters: NoteID, AlignerSetID, NoteType, NoteText, CreatedAt, IsEdited, EditedAt, IsRead.
     * NoteType is varchar(20): cast as the ledger's keys are; NoteText is nvarchar(max), bound with setNString.
     */
    String insertNote() {
        return "INSERT INTO " + NOTES + " (NoteID, AlignerSetID, NoteType, NoteText, CreatedAt, IsEdited, EditedAt, IsRead)"
                + " VALUES (?, ?, " + dialect.stringParameter("varchar(20)") + ", ?, ?, ?, ?, ?)";
    }

    /** Parameters: NoteText, IsEdited, EditedAt, IsRead, NoteID. */
    String updateNote() {
        return "UPDATE " + NOTES + " SET NoteText = ?, IsEdited = ?, EditedAt = ?, IsRead = ? WHERE NoteID = ?";
    }

    /** Parameters: NoteID. */
    String deleteNote() {
        return "DELETE FROM " + NOTES + " WHERE NoteID = ?";
    }

    /** Parameters: Days, AlignerBatchID. The only column of tblAlignerBatches the daemon ever writes. */
    String updateBatchDays() {
        return "UPDATE " + BATCHES + " SET Days = ? WHERE AlignerBatchID = ?";
    }

    /** One page of the clinic's Doctor notes by NoteID, read without locks. Parameters: the NoteID to start after, the page size. */
    String doctorNotesPage() {
        return "SELECT " + String.join(", ", NOTE) + " FROM " + NOTES
                + " WHERE NoteType = 'Doctor' AND NoteID > ? ORDER BY NoteID OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY";
    }

    /** One page of the clinic's batches by AlignerBatchID, read without locks. Parameters: the id to start after, the page size. */
    String batchDaysPage() {
        return "SELECT " + String.join(", ", BATCH) + " FROM " + BATCHES + " WHERE AlignerBatchID > ? ORDER BY AlignerBatchID"
                + " OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY";
    }
}
