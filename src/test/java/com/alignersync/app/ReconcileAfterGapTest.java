package com.alignersync.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.DaemonConfig;
import com.alignersync.portal.PortalReader;
import com.alignersync.reconcile.Verifier;
import com.alignersync.reconcile.VerifyReport;
import com.alignersync.sink.ClinicRows;
import com.alignersync.sink.LedgerKeys;
import com.alignersync.portal.PostgrestClient;
import com.alignersync.support.DaemonUrls;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole daemon across a replication gap: inserts, updates and deletes made while there was no
 * slot, with the delete webhooks lost, end with SQL Server equal to the portal (the catch-up poll
 * brings the rows that exist, reconcile the deletes).
 */
class ReconcileAfterGapTest extends InProcessDaemon {

    private DaemonConfig config(boolean cdc) {
        return config(Map.of("cdc.enabled", String.valueOf(cdc)));
    }

    private void start(boolean cdc) throws Exception {
        daemon = Daemon.start(config(cdc), Daemon.lock(dataDir), Clock.systemUTC());
        if (cdc) {
            await("the CDC input streams", () -> "streaming".equalsIgnoreCase(status().path("cdc").path("state").asText()));
        }
        await("the start-up poll is done", () -> !status().path("poll").path("lastResult").isNull());
    }

    private void stop() {
        daemon.close();
        daemon = null;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(DaemonUrls.of(daemon, path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, boolean authenticated) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(DaemonUrls.of(daemon, path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authenticated) {
            request.header("Authorization", "Bearer " + SECRET);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String insertWebhookBody(long noteId) throws Exception {
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT jsonb_build_object('type', 'INSERT', 'table', 'aligner_notes', 'schema', 'public',"
                     + " 'record', to_jsonb(n), 'old_record', null)::text FROM aligner_notes n WHERE note_id = " + noteId)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void doctorNotes(int from, int to) throws Exception {
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text)"
                + " SELECT g, 3187, 'Doctor', 'note ' || g FROM generate_series(" + from + ", " + to + ") g");
    }

    /** Verify's own comparison, as an operator would run it. */
    private VerifyReport verify() throws Exception {
        PortalReader reader = new PortalReader(new PostgrestClient(rest.restUrl(), REST_KEY, Duration.ofSeconds(10), json), 1000);
        return new Verifier(reader, new ClinicRows(target.dataSource(), target.dialect(), ZoneOffset.UTC),
                new LedgerKeys(target.dataSource(), target.dialect()), null, null, Clock.systemUTC())
                .run(false, 10, Verifier.Progress.NONE);
    }

    private void awaitEqualToThePortal() throws Exception {
        await("SQL Server equals the portal", () -> {
            try {
                return verify().inSync();
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void aSlotDroppedWhileTheDaemonWasDownEndsWithSqlServerEqualToThePortal() throws Exception {
        start(true);
        doctorNotes(1, 20);
        await("CDC carried the notes", () -> {
            try {
                return target.note(20) != null;
            } catch (Exception e) {
                return false;
            }
        });
        stop();
        dropSlot();
        // While the daemon is down and there is no slot: inserts, updates and deletes; no webhook reaches it.
        doctorNotes(21, 25);
        portal.execute("UPDATE aligner_notes SET note_text = 'edited in the gap', is_edited = true, edited_at = now() WHERE note_id = 2");
        portal.execute("UPDATE aligner_batches SET days = 10 WHERE aligner_batch_id = 12044");
        portal.execute("DELETE FROM aligner_notes WHERE note_id IN (3, 4, 5)");

        start(true);
        awaitEqualToThePortal();

        assertNull(target.note(3));
        assertNull(target.note(5));
        assertEquals("edited in the gap", target.note(2).get("NOTETEXT"));
        assertEquals(10, ((Number) target.batch(12044).get("DAYS")).intValue());
        JsonNode reconcile = status().path("reconcile").path("lastResult");
        assertEquals("slot alarm", reconcile.path("trigger").asText(), reconcile.toString());
        assertEquals(3, reconcile.path("deleted").asInt(), reconcile.toString());
    }

    @Test
    void theFirstStartGapEndsWithSqlServerEqualToThePortal() throws Exception {
        // Before the first slot: the daemon ran without CDC, a note came in by webhook, then was deleted with its webhook lost.
        doctorNotes(1, 5);
        start(false);
        doctorNotes(40, 40);
        assertEquals(200, post("/api/sync/webhook", insertWebhookBody(40), true).statusCode());
        assertEquals("note 40", target.note(40).get("NOTETEXT"));
        stop();
        portal.execute("DELETE FROM aligner_notes WHERE note_id IN (2, 40)");
        portal.execute("UPDATE aligner_notes SET note_text = 'edited before the slot' WHERE note_id = 1");
        doctorNotes(6, 7);

        start(true);
        awaitEqualToThePortal();

        assertNull(target.note(40), "the note created and deleted before the first slot is gone from SQL Server");
        assertNull(target.note(2));
        assertEquals("edited before the slot", target.note(1).get("NOTETEXT"));
        assertEquals("start without stored CDC offsets", status().path("reconcile").path("lastResult").path("trigger").asText());
    }

    @Test
    void theReconcileRouteIsProtectedLikeThePollTriggerAndTheMetricsAreExposed() throws Exception {
        doctorNotes(1, 3);
        start(false);
        portal.execute("DELETE FROM aligner_notes WHERE note_id = 3");

        assertEquals(401, post("/api/sync/reconcile", "", false).statusCode());
        HttpResponse<String> dryRun = post("/api/sync/reconcile?dry_run=true", "", true);
        assertEquals(200, dryRun.statusCode(), dryRun.body());
        assertEquals(1, json.readTree(dryRun.body()).path("wouldDelete").asInt(), dryRun.body());
        assertTrue(target.note(3) != null, "a dry run deletes nothing");

        HttpResponse<String> pass = post("/api/sync/reconcile", "", true);
        assertEquals(200, pass.statusCode(), pass.body());
        assertEquals(1, json.readTree(pass.body()).path("deleted").asInt(), pass.body());
        assertNull(target.note(3));

        String metrics = get("/metrics").body();
        assertTrue(metrics.contains("aligner_sync_reconcile_deleted_total 1.0"), metrics);
        assertTrue(metrics.contains("aligner_sync_verify_drift_rows NaN"), "no verify ran yet");
        assertEquals("never run", status().path("verify").path("state").asText());
    }
}
