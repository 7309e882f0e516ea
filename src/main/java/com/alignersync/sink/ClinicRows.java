package com.alignersync.sink;

import com.alignersync.event.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * What the clinic's tables hold, read page by page without locks for {@code verify}, and how a
 * portal row differs from it in the columns the sink writes. Kept next to {@link TargetWriter}
 * because "equal" must mean exactly what the writer's no-op check means
 * ({@link ClinicDatetime#sameDatetime} for the datetimes).
 */
public final class ClinicRows {

    /** A Doctor note as SQL Server holds it; times converted back from the clinic's datetime columns. */
    public record Note(long noteId, long alignerSetId, String noteText, Boolean isEdited, Instant editedAt, boolean isRead) {
    }

    /** A batch's one column that flows back. */
    public record Batch(long batchId, Long days) {
    }

    private final DataSource dataSource;
    private final ClinicSql sql;
    private final ClinicDatetime datetime;

    public ClinicRows(DataSource dataSource, SqlDialect dialect, ZoneId clinicZone) {
        this.dataSource = dataSource;
        this.sql = new ClinicSql(dialect);
        this.datetime = new ClinicDatetime(clinicZone);
    }

    /** Up to {@code limit} Doctor notes with NoteID greater than {@code after}, ascending. */
    public List<Note> doctorNotesAfter(long after, int limit) throws SQLException {
        List<Note> notes = new ArrayList<>(limit);
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement page = connection.prepareStatement(sql.doctorNotesPage())) {
                page.setLong(1, after);
                page.setInt(2, limit);
                try (ResultSet rs = page.executeQuery()) {
                    while (rs.next()) {
                        boolean edited = rs.getBoolean("IsEdited");
                        Boolean isEdited = rs.wasNull() ? null : edited;
                        notes.add(new Note(rs.getLong("NoteID"), rs.getLong("AlignerSetID"), rs.getString("NoteText"), isEdited,
                                datetime.fromColumn(rs.getObject("EditedAt", LocalDateTime.class)), rs.getBoolean("IsRead")));
                    }
                }
            } finally {
                connection.rollback();
            }
        }
        return notes;
    }

    /** Up to {@code limit} batches with AlignerBatchID greater than {@code after}, ascending. */
    public List<Batch> batchesAfter(long after, int limit) throws SQLException {
        List<Batch> batches = new ArrayList<>(limit);
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement page = connection.prepareStatement(sql.batchDaysPage())) {
                page.setLong(1, after);
                page.setInt(2, limit);
                try (ResultSet rs = page.executeQuery()) {
                    while (rs.next()) {
                        long days = rs.getLong("Days");
                        batches.add(new Batch(rs.getLong("AlignerBatchID"), rs.wasNull() ? null : days));
                    }
                }
            } finally {
                connection.rollback();
            }
        }
        return batches;
    }

    /**
     * The SQL Server columns in which the clinic's note differs from the portal's row: the
     * columns an update writes, at the clinic's datetime precision, plus AlignerSetID (a
     * difference there is a key conflict the sink refuses to overwrite). CreatedAt is written
     * once on insert and never compared.
     */
    public static List<String> noteDifferences(Row portal, Note clinic) {
        List<String> columns = new ArrayList<>(2);
        if (!Objects.equals(portal.integer("aligner_set_id"), clinic.alignerSetId())) {
            columns.add("AlignerSetID");
        }
        if (!Objects.equals(portal.text("note_text"), clinic.noteText())) {
            columns.add("NoteText");
        }
        if (!Objects.equals(portal.bool("is_edited"), clinic.isEdited())) {
            columns.add("IsEdited");
        }
        if (!ClinicDatetime.sameDatetime(portal.timestamp("edited_at"), clinic.editedAt())) {
            columns.add("EditedAt");
        }
        if (!Objects.equals(portal.bool("is_read"), clinic.isRead())) {
            columns.add("IsRead");
        }
        return columns;
    }
}
