package com.alignersync.sink.support;

import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/** Raw rows shaped like the portal's, turned into events the way every input does. */
public final class TestEvents {

    /** A fixed base time; version n of a row is BASE + n seconds (plus some microseconds). */
    public static final Instant BASE = Instant.parse("2026-11-20T09:14:03.512844Z");

    private TestEvents() {
    }

    public static Instant at(long version) {
        return BASE.plus(version, ChronoUnit.SECONDS);
    }

    public static Map<String, Object> noteRow(long noteId, long setId, String type, String text, boolean read, long version) {
        Map<String, Object> row = new HashMap<>();
        row.put("note_id", noteId);
        row.put("aligner_set_id", setId);
        row.put("note_type", type);
        row.put("note_text", text);
        row.put("created_at", BASE.toString());
        row.put("is_edited", version > 0);
        row.put("edited_at", version > 0 ? at(version).toString() : null);
        row.put("is_read", read);
        row.put("updated_at", at(version).toString());
        return row;
    }

    public static ChangeEvent doctorNote(Input input, Op op, long noteId, String text, long version) {
        return ChangeEvents.of(input, SourceTable.ALIGNER_NOTES, op, null, noteRow(noteId, 3187, "Doctor", text, false, version));
    }

    public static ChangeEvent doctorNoteDelete(Input input, long noteId, long lastVersion) {
        return ChangeEvents.of(input, SourceTable.ALIGNER_NOTES, Op.DELETE,
                noteRow(noteId, 3187, "Doctor", "deleted", false, lastVersion), null);
    }

    public static Map<String, Object> batchRow(long batchId, Integer days, long version) {
        Map<String, Object> row = new HashMap<>();
        row.put("aligner_batch_id", batchId);
        row.put("aligner_set_id", 3187);
        row.put("days", days);
        row.put("created_at", BASE.toString());
        row.put("updated_at", at(version).toString());
        return row;
    }

    /** A days change as CDC or a webhook reports it: old row and new row. */
    public static ChangeEvent daysChange(Input input, long batchId, Integer oldDays, Integer newDays, long version) {
        return ChangeEvents.of(input, SourceTable.ALIGNER_BATCHES, Op.UPDATE,
                batchRow(batchId, oldDays, version - 1), batchRow(batchId, newDays, version));
    }

    /** A batch as a poll reads it: the current row only. */
    public static ChangeEvent batchRead(Input input, long batchId, Integer days, long version) {
        return ChangeEvents.of(input, SourceTable.ALIGNER_BATCHES, Op.READ, null, batchRow(batchId, days, version));
    }
}
