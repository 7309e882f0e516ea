package com.alignersync.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alignersync.support.DaemonUrls;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DESIGN.md section 9, with no forward sync at all: a doctor who sets a value the daemon wrote a
 * moment ago (read, unread, read; days 10, 12, 10; text A, B, A, all within seconds) is making an
 * edit, and SQL Server ends equal to the portal, whichever single input delivers the edits.
 */
class DoctorEditsThroughEachInputTest extends InProcessDaemon {

    enum Delivery { CDC, WEBHOOK, POLL }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void repeatedValuesAndTogglesEndInSqlServerAsInThePortal(Delivery delivery) throws Exception {
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text, is_read) VALUES (900, 3187, 'Doctor', 'A', true)");
        target.update("INSERT INTO dbo.tblAlignerNotes (NoteID, AlignerSetID, NoteType, NoteText, IsEdited, IsRead) VALUES (900, 3187, 'Doctor', 'A', 0, 1)");
        daemon = Daemon.start(config(Map.of(
                "cdc.enabled", String.valueOf(delivery == Delivery.CDC),
                "poll.enabled", String.valueOf(delivery == Delivery.POLL))), Daemon.lock(dataDir), Clock.systemUTC());
        if (delivery == Delivery.CDC) {
            await("the CDC input streams", () -> "streaming".equalsIgnoreCase(status().path("cdc").path("state").asText()));
        }

        List<String> edits = new ArrayList<>();
        for (boolean read : new boolean[] {false, true, false, true}) { // a read note marked unread, read, unread, read
            edits.add("UPDATE aligner_notes SET is_read = " + read + " WHERE note_id = 900");
        }
        for (int days : new int[] {10, 12, 10}) {
            edits.add("UPDATE aligner_batches SET days = " + days + " WHERE aligner_batch_id = 12044");
        }
        for (String text : new String[] {"B", "A"}) {
            edits.add("UPDATE aligner_notes SET note_text = '" + text + "', is_edited = true, edited_at = now() WHERE note_id = 900");
        }
        for (String edit : edits) {
            String table = edit.contains("aligner_notes") ? "aligner_notes" : "aligner_batches";
            String key = table.equals("aligner_notes") ? "note_id = 900" : "aligner_batch_id = 12044";
            String old = row(table, key);
            portal.execute(edit);
            deliver(delivery, table, key, old);
        }

        await("SQL Server holds the doctor's last values", () -> {
            try {
                Map<String, Object> note = target.note(900);
                return ((Number) target.batch(12044).get("DAYS")).intValue() == 10 && "A".equals(note.get("NOTETEXT"))
                        && Boolean.TRUE.equals(note.get("ISREAD"));
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(10, ((Number) target.batch(12044).get("DAYS")).intValue());
        assertEquals(Boolean.TRUE, target.note(900).get("ISREAD"));
        assertEquals("A", target.note(900).get("NOTETEXT"));
    }

    private void deliver(Delivery delivery, String table, String key, String oldRow) throws Exception {
        switch (delivery) {
            case CDC -> Thread.sleep(50); // within seconds, as a doctor clicks
            case WEBHOOK -> {
                String body = "{\"type\":\"UPDATE\",\"table\":\"" + table + "\",\"schema\":\"public\",\"record\":" + row(table, key)
                        + ",\"old_record\":" + oldRow + "}";
                HttpResponse<String> answer = post("/api/sync/webhook", body);
                assertEquals(200, answer.statusCode(), answer.body());
            }
            case POLL -> {
                HttpResponse<String> answer = post("/api/sync/poll", "");
                assertEquals(200, answer.statusCode(), answer.body());
            }
        }
    }

    /** The row as Supabase's webhook trigger sends it: to_jsonb of the row. */
    private static String row(String table, String key) throws Exception {
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_jsonb(t)::text FROM " + table + " t WHERE " + key)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(DaemonUrls.of(daemon, path))
                .header("Authorization", "Bearer " + SECRET)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
