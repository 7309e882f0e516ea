package com.alignersync.source.poll;

import com.alignersync.config.PollConfig;
import com.alignersync.event.SourceTable;
import com.alignersync.portal.PostgrestClient;
import com.alignersync.portal.PostgrestException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which cursor streams a poll reads, from which columns the portal has: {@code updated_at} on
 * the notes (one stream, or two by created_at and edited_at without it) and the origin stamps
 * of this release's supabase-setup.sql (asked for in {@code select} only when present; without
 * them the sink applies by version alone). Each is asked once, at the first poll.
 */
final class StreamProbe {

    private static final Logger log = LoggerFactory.getLogger(StreamProbe.class);

    private final PollConfig.NotesCursor notesCursor;
    private final PostgrestClient client;
    private volatile Boolean notesHaveUpdatedAt;
    private volatile Boolean portalHasStamps;

    StreamProbe(PollConfig.NotesCursor notesCursor, PostgrestClient client) {
        this.notesCursor = notesCursor;
        this.client = client;
    }

    List<CursorStream> streams() throws PostgrestException {
        boolean stamps = portalHasStamps();
        List<CursorStream> streams = new ArrayList<>(CursorStream.notes(notesHaveUpdatedAt(), stamps));
        streams.add(CursorStream.batches(stamps));
        return streams;
    }

    /** How the notes are read, for status: configured, probed, or not probed yet. */
    String notesCursorMode() {
        Boolean probed = notesHaveUpdatedAt;
        return switch (notesCursor) {
            case UPDATED_AT -> "updated_at";
            case CREATED_EDITED -> "created_at + edited_at";
            case AUTO -> probed == null ? "auto (not probed yet)" : probed ? "updated_at (probed)" : "created_at + edited_at (probed)";
        };
    }

    private boolean portalHasStamps() throws PostgrestException {
        if (portalHasStamps == null) {
            portalHasStamps = hasColumn(SourceTable.ALIGNER_BATCHES, "days_changed_by") && hasColumn(SourceTable.ALIGNER_NOTES, "read_changed_by");
            if (!portalHasStamps) {
                log.warn("poll: the portal has no origin stamps (days_changed_by, ...): run connector-config/supabase-setup.sql;"
                        + " until then changes are applied by version alone and the clinic's own changes are not told apart");
            }
        }
        return portalHasStamps;
    }

    private boolean notesHaveUpdatedAt() throws PostgrestException {
        switch (notesCursor) {
            case UPDATED_AT:
                return true;
            case CREATED_EDITED:
                return false;
            default:
                break;
        }
        if (notesHaveUpdatedAt == null) {
            notesHaveUpdatedAt = hasColumn(SourceTable.ALIGNER_NOTES, "updated_at");
            log.info("poll: aligner_notes {} updated_at; reading notes by {}", notesHaveUpdatedAt ? "has" : "has no",
                    notesHaveUpdatedAt ? "(updated_at, note_id)" : "(created_at, note_id) and (edited_at, note_id)");
        }
        return notesHaveUpdatedAt;
    }

    /** PostgREST answers 400 with Postgres' 42703 for an unknown column in {@code select}. */
    private boolean hasColumn(SourceTable table, String column) throws PostgrestException {
        try {
            client.get(table.tableName(), "select=" + column + "&limit=1");
            return true;
        } catch (PostgrestException e) {
            if (e.status() != 400 || !"42703".equals(e.code())) {
                throw e;
            }
            return false;
        }
    }
}
