package com.alignersync.source.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The poller's keyset queries and cursors (moved from PostgrestClientTest when the client moved to the portal package). */
class CursorStreamTest {

    @Test
    void theKeysetQueryQuotesTimestampsAndEncodesThePlus() {
        CursorStream batches = CursorStream.batches();
        KeysetCursor after = new KeysetCursor(Instant.parse("2026-11-21T16:45:09.781223Z"), 12044L);
        String query = batches.pageQuery(after, 1000);
        assertFalse(query.contains("+"), "an unencoded + would arrive as a space");
        assertEquals("select=aligner_batch_id,aligner_set_id,days,created_at,updated_at,days_changed_at,days_changed_by"
                        + "&or=(updated_at.gt.\"2026-11-21T16:45:09.781223Z\",and(updated_at.eq.\"2026-11-21T16:45:09.781223Z\",aligner_batch_id.gt.12044))"
                        + "&order=updated_at.asc,aligner_batch_id.asc&limit=1000",
                URLDecoder.decode(query, StandardCharsets.UTF_8));
        assertEquals("select=note_id,aligner_set_id,note_type,note_text,created_at,is_edited,edited_at,is_read"
                        + "&edited_at=gte.2026-11-21T16:45:09.781223Z&order=edited_at.asc,note_id.asc&limit=50",
                URLDecoder.decode(CursorStream.notes(false).get(1).pageQuery(KeysetCursor.startingAt(after.ts()), 50), StandardCharsets.UTF_8));
    }

    @Test
    void aCursorRoundTripsThroughItsMapAndOrdersByTimestampThenKey() {
        KeysetCursor cursor = new KeysetCursor(Instant.parse("2026-11-21T16:45:09.781223Z"), 7L);
        assertEquals(cursor, KeysetCursor.fromMap(cursor.toMap()));
        assertEquals(KeysetCursor.startingAt(cursor.ts()), KeysetCursor.fromMap(KeysetCursor.startingAt(cursor.ts()).toMap()));
        assertTrue(cursor.isAfter(KeysetCursor.startingAt(cursor.ts())), "a key sorts after 'before every key'");
        assertTrue(new KeysetCursor(cursor.ts(), 8L).isAfter(cursor));
        assertTrue(KeysetCursor.startingAt(cursor.ts().plusNanos(1000)).isAfter(new KeysetCursor(cursor.ts(), Long.MAX_VALUE)));
    }
}
