package com.alignersync.sink;

import com.alignersync.config.SinkConfig.DeleteMode;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.Row;
import com.alignersync.event.SourceTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The table mappings (docs/sink.md), in one place: which portal changes concern the
 * clinic, and how the newest version of a row becomes (at most) one write to
 * {@code tblAlignerNotes} or {@code tblAlignerBatches}. A write that would change nothing is
 * never issued, because the clinic's triggers would forward it back to the portal.
 *
 * <p>Three steps, so the sink can do each for a whole batch at once: lock and read the
 * current clinic rows, {@link #plan} each write against them (pure), {@link #execute} the
 * planned writes as JDBC batches.
 */
final class TargetWriter {

    static final String DOCTOR = "Doctor";

    /** What the clinic currently holds for one note. */
    record ClinicNote(long alignerSetId, String noteType, String noteText, Boolean isEdited, Instant editedAt, boolean isRead) {
    }

    /** The write planned for the newest version of one key, with the reason an operator would read. */
    record Write(Kind kind, ChangeEvent event, Outcome outcome, String detail) {
        enum Kind { NONE, INSERT_NOTE, UPDATE_NOTE, DELETE_NOTE, UPDATE_DAYS }
    }

    /** The clinic rows of a batch's winning keys, read under lock. A batch's Days may be null, hence the holder. */
    record Current(Map<Long, ClinicNote> notes, Map<Long, Days> batches) {
        record Days(Long value) {
        }
    }

    private final SqlDialect dialect;
    private final ClinicSql sql;
    private final Statements statements;
    private final ClinicDatetime datetime;
    private final DeleteMode notesDeleteMode;

    TargetWriter(SqlDialect dialect, Statements statements, ClinicDatetime datetime, DeleteMode notesDeleteMode) {
        this.dialect = dialect;
        this.sql = new ClinicSql(dialect);
        this.statements = statements;
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
        // A forward-synced change of other columns carries the portal's (possibly older) days:
        // writing it would revert an edit the clinic made meanwhile.
        if (before != null && before.has("days") && Objects.equals(before.integer("days"), event.after().integer("days"))) {
            return "days unchanged (only days flows back)";
        }
        return null;
    }

    Current lock(Connection connection, Collection<Long> noteIds, Collection<Long> batchIds) throws SQLException {
        Map<Long, ClinicNote> notes = new HashMap<>();
        for (List<Long> chunk : Ledger.chunks(noteIds)) {
            try (PreparedStatement lock = statements.prepare(connection, sql.lockNotes(chunk.size()))) {
                dialect.bindKeys(lock, chunk);
                try (ResultSet rs = lock.executeQuery()) {
                    while (rs.next()) {
                        boolean edited = rs.getBoolean("IsEdited");
                        Boolean isEdited = rs.wasNull() ? null : edited;
                        notes.put(rs.getLong("NoteID"), new ClinicNote(
                                rs.getLong("AlignerSetID"),
                                rs.getString("NoteType"),
                                rs.getString("NoteText"),
                                isEdited,
                                datetime.fromColumn(rs.getObject("EditedAt", LocalDateTime.class)),
                                rs.getBoolean("IsRead")));
                    }
                }
            }
        }
        Map<Long, Current.Days> batches = new HashMap<>();
        for (List<Long> chunk : Ledger.chunks(batchIds)) {
            try (PreparedStatement lock = statements.prepare(connection, sql.lockBatches(chunk.size()))) {
                dialect.bindKeys(lock, chunk);
                try (ResultSet rs = lock.executeQuery()) {
                    while (rs.next()) {
                        long days = rs.getLong("Days");
                        batches.put(rs.getLong("AlignerBatchID"), new Current.Days(rs.wasNull() ? null : days));
                    }
                }
            }
        }
        return new Current(notes, batches);
    }

    /**
     * Plans the write for the newest version of a key against what the clinic holds.
     *
     * @throws RejectedChangeException when the clinic's data refuses it for good (key conflict, unknown batch)
     */
    Write plan(ChangeEvent event, Current current) throws RejectedChangeException {
        return plan(event, current, DedupRules.ALL_FIELDS);
    }

    /**
     * @param fields the synced fields to write ({@link DedupRules#ALL_FIELDS}: all): an update of a
     *               note keeps SQL Server's own values of the others (the clinic changed them since)
     */
    Write plan(ChangeEvent event, Current current, Set<String> fields) throws RejectedChangeException {
        return event.table() == SourceTable.ALIGNER_NOTES
                ? planNote(event, current.notes().get(event.key()), fields)
                : planBatch(event, current.batches().get(event.key()));
    }

    private Write planNote(ChangeEvent event, ClinicNote current, Set<String> fields) throws RejectedChangeException {
        if (event.isDelete()) {
            if (current == null) {
                return new Write(Write.Kind.NONE, event, Outcome.UNCHANGED, "note not in SQL Server");
            }
            if (!event.before().has("note_type") && !DOCTOR.equals(current.noteType())) {
                // A key-only delete (REPLICA IDENTITY DEFAULT) cannot say it was a Lab note; SQL Server can.
                return new Write(Write.Kind.NONE, event, Outcome.IGNORED, "key-only delete of a " + current.noteType()
                        + " note: only Doctor notes flow back");
            }
            checkSameNote(event, current, event.before().integer("aligner_set_id"));
            if (notesDeleteMode == DeleteMode.IGNORE) {
                return new Write(Write.Kind.NONE, event, Outcome.UNCHANGED, "delete ignored (sink.notes.delete-mode=ignore)");
            }
            return new Write(Write.Kind.DELETE_NOTE, event, Outcome.APPLIED, "note deleted");
        }
        Row after = event.after();
        if (current == null) {
            return new Write(Write.Kind.INSERT_NOTE, event, Outcome.APPLIED, "note inserted");
        }
        checkSameNote(event, current, after.integer("aligner_set_id"));
        if (!fields.equals(DedupRules.ALL_FIELDS)) {
            event = withClinicValues(event, current, fields);
            after = event.after();
        }
        boolean same = current.noteText().equals(after.text("note_text"))
                && Objects.equals(current.isEdited(), after.bool("is_edited"))
                && ClinicDatetime.sameDatetime(current.editedAt(), after.timestamp("edited_at"))
                && current.isRead() == after.bool("is_read");
        return same
                ? new Write(Write.Kind.NONE, event, Outcome.UNCHANGED, "SQL Server already has this note text and flags")
                : new Write(Write.Kind.UPDATE_NOTE, event, Outcome.APPLIED, "note updated");
    }

    /** The event with SQL Server's values in the synced fields it does not write. */
    private static ChangeEvent withClinicValues(ChangeEvent event, ClinicNote current, Set<String> fields) {
        Map<String, Object> values = new java.util.LinkedHashMap<>(event.after().values());
        if (!fields.contains("text")) {
            values.put("note_text", current.noteText());
            values.put("is_edited", current.isEdited());
            values.put("edited_at", current.editedAt());
        }
        if (!fields.contains("read")) {
            values.put("is_read", current.isRead());
        }
        return new ChangeEvent(event.input(), event.table(), event.op(), event.key(), event.before(), new Row(values), event.version(),
                event.contentHash(), event.position());
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

    private static Write planBatch(ChangeEvent event, Current.Days current) throws RejectedChangeException {
        if (current == null) {
            throw new RejectedChangeException("unknown batch: AlignerBatchID " + event.key() + " is not in SQL Server (batches are never inserted by the sync)");
        }
        Long days = event.after().integer("days");
        if (Objects.equals(current.value(), days)) {
            return new Write(Write.Kind.NONE, event, Outcome.UNCHANGED, "SQL Server already has Days = " + days);
        }
        return new Write(Write.Kind.UPDATE_DAYS, event, Outcome.APPLIED, "Days " + current.value() + " -> " + days);
    }

    /** Issues the planned writes, one JDBC batch per kind of statement. */
    void execute(Connection connection, List<Write> writes) throws SQLException {
        Map<Write.Kind, List<ChangeEvent>> byKind = new EnumMap<>(Write.Kind.class);
        for (Write write : writes) {
            if (write.kind() != Write.Kind.NONE) {
                byKind.computeIfAbsent(write.kind(), k -> new ArrayList<>()).add(write.event());
            }
        }
        List<ChangeEvent> inserts = byKind.getOrDefault(Write.Kind.INSERT_NOTE, List.of());
        if (!inserts.isEmpty()) {
            setIdentityInsert(connection, true);
            try {
                executeBatch(connection, sql.insertNote(), inserts, this::bindInsert);
            } finally {
                setIdentityInsert(connection, false);
            }
        }
        executeBatch(connection, sql.updateNote(), byKind.getOrDefault(Write.Kind.UPDATE_NOTE, List.of()), this::bindUpdate);
        executeBatch(connection, sql.deleteNote(), byKind.getOrDefault(Write.Kind.DELETE_NOTE, List.of()),
                (statement, event) -> statement.setLong(1, event.key()));
        executeBatch(connection, sql.updateBatchDays(), byKind.getOrDefault(Write.Kind.UPDATE_DAYS, List.of()), (statement, event) -> {
            Long days = event.after().integer("days");
            if (days == null) {
                statement.setNull(1, Types.INTEGER);
            } else {
                statement.setLong(1, days);
            }
            statement.setLong(2, event.key());
        });
    }

    private void setIdentityInsert(Connection connection, boolean on) throws SQLException {
        String identityInsert = sql.identityInsert(on);
        if (identityInsert != null) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(identityInsert);
            }
        }
    }

    private void bindInsert(PreparedStatement insert, ChangeEvent event) throws SQLException {
        Row after = event.after();
        insert.setLong(1, event.key());
        insert.setLong(2, after.integer("aligner_set_id"));
        insert.setString(3, after.text("note_type"));
        insert.setNString(4, after.text("note_text"));
        insert.setObject(5, datetime.toColumn(after.timestamp("created_at")));
        setNullableBoolean(insert, 6, after.bool("is_edited"));
        insert.setObject(7, datetime.toColumn(after.timestamp("edited_at")));
        insert.setBoolean(8, after.bool("is_read"));
    }

    private void bindUpdate(PreparedStatement update, ChangeEvent event) throws SQLException {
        Row after = event.after();
        update.setNString(1, after.text("note_text"));
        setNullableBoolean(update, 2, after.bool("is_edited"));
        update.setObject(3, datetime.toColumn(after.timestamp("edited_at")));
        update.setBoolean(4, after.bool("is_read"));
        update.setLong(5, event.key());
    }

    private interface Binder {
        void bind(PreparedStatement statement, ChangeEvent event) throws SQLException;
    }

    private void executeBatch(Connection connection, String sql, List<ChangeEvent> events, Binder binder) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = statements.prepare(connection, sql)) {
            for (ChangeEvent event : events) {
                binder.bind(statement, event);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static void setNullableBoolean(PreparedStatement statement, int index, Boolean value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIT);
        } else {
            statement.setBoolean(index, value);
        }
    }
}
