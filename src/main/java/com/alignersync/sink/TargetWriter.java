package com.alignersync.sink;

import com.alignersync.config.SinkConfig.DeleteMode;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.Row;
import com.alignersync.event.SourceTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The table mappings of DESIGN.md section 3, in one place: which portal changes concern the
 * clinic, and how the newest version of a row becomes (at most) one write to
 * {@code tblAlignerNotes} or {@code tblAlignerBatches}. A write that would change nothing is
 * never issued, because the clinic's triggers would forward it back to the portal.
 */
final class TargetWriter {

    static final String DOCTOR = "Doctor";

    /** A written or skipped row, with the reason an operator would want to read. */
    record Written(Outcome outcome, String detail) {
    }

    private final ClinicDatetime datetime;
    private final DeleteMode notesDeleteMode;

    TargetWriter(ClinicDatetime datetime, DeleteMode notesDeleteMode) {
        this.datetime = datetime;
        this.notesDeleteMode = notesDeleteMode;
    }

    /** @return why the event does not concern the clinic, or null when it does */
    static String ignoredReason(ChangeEvent event) {
        if (event.table() == SourceTable.ALIGNER_NOTES) {
            Row row = event.isDelete() ? event.before() : event.after();
            String type = row.text("note_type");
            if (type != null && !DOCTOR.equals(type)) {
                return "note_type is " + type + ": only Doctor notes flow back (Lab notes originate in SQL Server)";
            }
            return null;
        }
        if (event.isDelete()) {
            return "batches are never deleted by the sync";
        }
        Row before = event.before();
        if (before != null && before.has("days") && Objects.equals(before.integer("days"), event.after().integer("days"))) {
            return "days unchanged (only days flows back)";
        }
        return null;
    }

    /** Prepared statements of one transaction attempt, prepared on first use. */
    static final class Statements implements AutoCloseable {
        private final Connection connection;
        private final Map<Kind, PreparedStatement> prepared = new EnumMap<>(Kind.class);
        private final SqlDialect dialect;

        enum Kind { LOCK_LEDGER, UPSERT_LEDGER, LOCK_NOTE, INSERT_NOTE, UPDATE_NOTE, DELETE_NOTE, LOCK_BATCH, UPDATE_DAYS }

        Statements(Connection connection, SqlDialect dialect) {
            this.connection = connection;
            this.dialect = dialect;
        }

        PreparedStatement get(Kind kind) throws SQLException {
            PreparedStatement statement = prepared.get(kind);
            if (statement == null) {
                statement = connection.prepareStatement(switch (kind) {
                    case LOCK_LEDGER -> dialect.lockLedgerEntry();
                    case UPSERT_LEDGER -> dialect.upsertLedgerEntry();
                    case LOCK_NOTE -> dialect.lockNote();
                    case INSERT_NOTE -> dialect.insertNote();
                    case UPDATE_NOTE -> dialect.updateNote();
                    case DELETE_NOTE -> dialect.deleteNote();
                    case LOCK_BATCH -> dialect.lockBatch();
                    case UPDATE_DAYS -> dialect.updateBatchDays();
                });
                prepared.put(kind, statement);
            }
            return statement;
        }

        @Override
        public void close() {
            for (PreparedStatement statement : prepared.values()) {
                try {
                    statement.close();
                } catch (SQLException ignored) {
                    // the connection is being returned or discarded anyway
                }
            }
        }
    }

    Written write(Statements statements, ChangeEvent event) throws SQLException, RejectedChangeException {
        return event.table() == SourceTable.ALIGNER_NOTES ? writeNote(statements, event) : writeBatch(statements, event);
    }

    private record ClinicNote(long alignerSetId, String noteType, String noteText, Boolean isEdited, Instant editedAt, boolean isRead) {
    }

    private Written writeNote(Statements statements, ChangeEvent event) throws SQLException, RejectedChangeException {
        ClinicNote current = lockNote(statements, event.key());
        if (event.isDelete()) {
            if (current == null) {
                return new Written(Outcome.UNCHANGED, "note not in SQL Server");
            }
            checkSameNote(event, current, event.before().integer("aligner_set_id"));
            if (notesDeleteMode == DeleteMode.IGNORE) {
                return new Written(Outcome.UNCHANGED, "delete ignored (sink.notes.delete-mode=ignore)");
            }
            PreparedStatement delete = statements.get(Statements.Kind.DELETE_NOTE);
            delete.setLong(1, event.key());
            delete.executeUpdate();
            return new Written(Outcome.APPLIED, "note deleted");
        }
        Row after = event.after();
        if (current == null) {
            PreparedStatement insert = statements.get(Statements.Kind.INSERT_NOTE);
            insert.setLong(1, event.key());
            insert.setLong(2, after.integer("aligner_set_id"));
            insert.setString(3, after.text("note_type"));
            insert.setString(4, after.text("note_text"));
            insert.setObject(5, datetime.toColumn(after.timestamp("created_at")));
            setNullableBoolean(insert, 6, after.bool("is_edited"));
            insert.setObject(7, datetime.toColumn(after.timestamp("edited_at")));
            insert.setBoolean(8, after.bool("is_read"));
            insert.executeUpdate();
            return new Written(Outcome.APPLIED, "note inserted");
        }
        checkSameNote(event, current, after.integer("aligner_set_id"));
        boolean same = current.noteText().equals(after.text("note_text"))
                && Objects.equals(current.isEdited(), after.bool("is_edited"))
                && ClinicDatetime.sameDatetime(current.editedAt(), after.timestamp("edited_at"))
                && current.isRead() == after.bool("is_read");
        if (same) {
            return new Written(Outcome.UNCHANGED, "SQL Server already has this note text and flags");
        }
        PreparedStatement update = statements.get(Statements.Kind.UPDATE_NOTE);
        update.setString(1, after.text("note_text"));
        setNullableBoolean(update, 2, after.bool("is_edited"));
        update.setObject(3, datetime.toColumn(after.timestamp("edited_at")));
        update.setBoolean(4, after.bool("is_read"));
        update.setLong(5, event.key());
        update.executeUpdate();
        return new Written(Outcome.APPLIED, "note updated");
    }

    private static void checkSameNote(ChangeEvent event, ClinicNote current, Long alignerSetId) throws RejectedChangeException {
        if (!DOCTOR.equals(current.noteType())) {
            throw new RejectedChangeException("key conflict: NoteID " + event.key() + " is a " + current.noteType()
                    + " note in SQL Server; a portal Doctor note never overwrites it");
        }
        if (alignerSetId != null && alignerSetId != current.alignerSetId()) {
            throw new RejectedChangeException("key conflict: NoteID " + event.key() + " belongs to AlignerSetID "
                    + current.alignerSetId() + " in SQL Server, the portal says " + alignerSetId);
        }
    }

    private ClinicNote lockNote(Statements statements, long noteId) throws SQLException {
        PreparedStatement lock = statements.get(Statements.Kind.LOCK_NOTE);
        lock.setLong(1, noteId);
        try (ResultSet rs = lock.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            boolean edited = rs.getBoolean("IsEdited");
            Boolean isEdited = rs.wasNull() ? null : edited;
            return new ClinicNote(
                    rs.getLong("AlignerSetID"),
                    rs.getString("NoteType"),
                    rs.getString("NoteText"),
                    isEdited,
                    datetime.fromColumn(rs.getObject("EditedAt", LocalDateTime.class)),
                    rs.getBoolean("IsRead"));
        }
    }

    private Written writeBatch(Statements statements, ChangeEvent event) throws SQLException, RejectedChangeException {
        PreparedStatement lock = statements.get(Statements.Kind.LOCK_BATCH);
        lock.setLong(1, event.key());
        Long currentDays;
        try (ResultSet rs = lock.executeQuery()) {
            if (!rs.next()) {
                throw new RejectedChangeException("unknown batch: AlignerBatchID " + event.key() + " is not in SQL Server (batches are never inserted by the sync)");
            }
            long days = rs.getLong("Days");
            currentDays = rs.wasNull() ? null : days;
        }
        Long days = event.after().integer("days");
        if (Objects.equals(currentDays, days)) {
            return new Written(Outcome.UNCHANGED, "SQL Server already has Days = " + days);
        }
        PreparedStatement update = statements.get(Statements.Kind.UPDATE_DAYS);
        if (days == null) {
            update.setNull(1, Types.INTEGER);
        } else {
            update.setLong(1, days);
        }
        update.setLong(2, event.key());
        update.executeUpdate();
        return new Written(Outcome.APPLIED, "Days " + currentDays + " -> " + days);
    }

    private static void setNullableBoolean(PreparedStatement statement, int index, Boolean value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIT);
        } else {
            statement.setBoolean(index, value);
        }
    }
}
