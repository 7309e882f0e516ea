package com.alignersync.source.poll;

import com.alignersync.event.Column;
import com.alignersync.event.SourceTable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One keyset-ordered read of a table: {@code aligner_batches} by {@code (updated_at,
 * aligner_batch_id)}; {@code aligner_notes} by {@code (updated_at, note_id)}, or where the
 * portal lacks {@code updated_at} by two, {@code (created_at, note_id)} for new notes and
 * {@code (edited_at, note_id)} for edits.
 *
 * @param select the columns asked for, comma-separated
 */
public record CursorStream(SourceTable table, String tsColumn, String select) {

    public static CursorStream batches() {
        return batches(true);
    }

    /** @param withStamps whether the portal has the origin stamps of this release's supabase-setup.sql */
    public static CursorStream batches(boolean withStamps) {
        return new CursorStream(SourceTable.ALIGNER_BATCHES, "updated_at", selectOf(SourceTable.ALIGNER_BATCHES, true, withStamps));
    }

    /** @param withUpdatedAt whether the portal's notes table has {@code updated_at} */
    public static List<CursorStream> notes(boolean withUpdatedAt) {
        return notes(withUpdatedAt, withUpdatedAt);
    }

    /**
     * @param withUpdatedAt whether the portal's notes table has {@code updated_at}
     * @param withStamps    whether it has the origin stamps of this release's supabase-setup.sql
     */
    public static List<CursorStream> notes(boolean withUpdatedAt, boolean withStamps) {
        String select = selectOf(SourceTable.ALIGNER_NOTES, withUpdatedAt, withStamps);
        if (withUpdatedAt) {
            return List.of(new CursorStream(SourceTable.ALIGNER_NOTES, "updated_at", select));
        }
        return List.of(new CursorStream(SourceTable.ALIGNER_NOTES, "created_at", select),
                new CursorStream(SourceTable.ALIGNER_NOTES, "edited_at", select));
    }

    private static String selectOf(SourceTable table, boolean withUpdatedAt, boolean withStamps) {
        return String.join(",", table.columns().stream().map(Column::name)
                .filter(name -> withUpdatedAt || !name.equals("updated_at"))
                .filter(name -> withStamps || !table.stampColumns().contains(name)).toList());
    }

    /** The cursor's name in the state file and status, e.g. {@code aligner_notes.edited_at}. */
    public String name() {
        return table.tableName() + "." + tsColumn;
    }

    public String keyColumn() {
        return table.keyColumn();
    }

    /**
     * The PostgREST query of the page after {@code after}: {@code or=(ts.gt.T,and(ts.eq.T,key.gt.K))},
     * or {@code ts=gte.T} for a position without key; ordered {@code ts.asc,key.asc}. Values are
     * double-quoted inside {@code or=(...)} (a timestamp holds {@code .} and {@code :}) and the
     * whole value URL-encoded (a {@code +} would otherwise arrive as a space).
     */
    public String pageQuery(KeysetCursor after, int limit) {
        String ts = after.ts().toString();
        String filter;
        if (after.key() == null) {
            filter = tsColumn + "=" + encode("gte." + ts);
        } else {
            String quoted = "\"" + ts + "\"";
            filter = "or=" + encode("(" + tsColumn + ".gt." + quoted + ",and(" + tsColumn + ".eq." + quoted + ","
                    + keyColumn() + ".gt." + after.key() + "))");
        }
        return "select=" + encode(select) + "&" + filter + "&order=" + encode(tsColumn + ".asc," + keyColumn() + ".asc")
                + "&limit=" + limit;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
