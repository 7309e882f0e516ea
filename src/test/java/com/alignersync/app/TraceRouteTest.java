package com.alignersync.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.support.DaemonUrls;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The running daemon journals its decisions and answers {@code GET /api/sync/trace} behind the operator secret. */
class TraceRouteTest extends InProcessDaemon {

    @Test
    void theDaemonTracesAnEditCdcDeliveredAndRefusesStrangers() throws Exception {
        daemon = Daemon.start(config(Map.of("poll.enabled", "false")), Daemon.lock(dataDir), Clock.systemUTC());
        await("the CDC input streams", () -> "streaming".equalsIgnoreCase(status().path("cdc").path("state").asText()));
        portal.execute("UPDATE aligner_batches SET days = 10 WHERE aligner_batch_id = 12044");
        await("the edit lands", () -> {
            try {
                return ((Number) target.batch(12044).get("DAYS")).intValue() == 10;
            } catch (Exception e) {
                return false;
            }
        });

        assertEquals(401, get("/api/sync/trace?table=batches&key=12044", null).statusCode());
        assertEquals(400, get("/api/sync/trace?table=days&key=12044", SECRET).statusCode());
        HttpResponse<String> answer = get("/api/sync/trace?table=batches&key=12044", SECRET);
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode trace = json.readTree(answer.body());
        assertTrue(trace.path("verdict").asText().startsWith("in SQL Server since "), trace.toString());
        assertTrue(trace.path("verdict").asText().endsWith("(delivered by CDC)"), trace.toString());
        assertEquals("APPLIED", trace.path("history").get(0).path("outcome").asText());
        assertTrue(trace.path("history").get(0).hasNonNull("sourceCommitAt"), "CDC tells the portal's commit time");
        assertTrue(trace.path("agree").asBoolean());
    }

    @Test
    void aDriftedRowIsRepairedByTheRunningDaemonWithoutStoppingTheSync() throws Exception {
        daemon = Daemon.start(config(Map.of("poll.enabled", "false")), Daemon.lock(dataDir), Clock.systemUTC());
        await("the CDC input streams", () -> "streaming".equalsIgnoreCase(status().path("cdc").path("state").asText()));
        target.update("UPDATE dbo.tblAlignerBatches SET Days = 30 WHERE AlignerBatchID = 12044"); // behind the ledger's back

        HttpResponse<String> drift = post("/api/sync/verify", SECRET);
        assertEquals(409, drift.statusCode(), drift.body());
        assertEquals(401, post("/api/sync/verify?repair=true", null).statusCode());
        HttpResponse<String> repaired = post("/api/sync/verify?repair=true", SECRET);
        assertEquals(200, repaired.statusCode(), repaired.body());
        assertEquals(14, ((Number) target.batch(12044).get("DAYS")).intValue(), "the portal's days, written through the daemon's sink");
        assertEquals("streaming", status().path("cdc").path("state").asText().toLowerCase());
        portal.execute("UPDATE aligner_batches SET days = 21 WHERE aligner_batch_id = 12044");
        await("the sync goes on", () -> {
            try {
                return ((Number) target.batch(12044).get("DAYS")).intValue() == 21;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void theRunningDaemonsRepairAgainstAPortalAnswering200EmptyDeletesNothingAndRaisesTheAlarm() throws Exception {
        daemon = Daemon.start(config(Map.of("poll.enabled", "false")), Daemon.lock(dataDir), Clock.systemUTC());
        await("the CDC input streams", () -> "streaming".equalsIgnoreCase(status().path("cdc").path("state").asText()));
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text)"
                + " SELECT g, 3187, 'Doctor', 'note ' || g FROM generate_series(1, 5) g");
        await("the notes land", () -> {
            try {
                return target.note(5) != null;
            } catch (Exception e) {
                return false;
            }
        });
        rest.hideRows(true); // row-level security and a key that is not the service role: every table reads 200 []
        HttpResponse<String> answer;
        try {
            answer = post("/api/sync/verify?repair=true", SECRET);
        } finally {
            rest.hideRows(false);
        }

        for (long id = 1; id <= 5; id++) {
            assertTrue(target.note(id) != null, "note " + id + " must survive a blind listing");
        }
        assertEquals(409, answer.statusCode(), answer.body());
        JsonNode repair = json.readTree(answer.body()).path("repair");
        assertEquals(5, repair.path("deletesRefused").asInt(), answer.body());
        assertEquals("empty_listing", repair.path("deleteGuard").path("cause").asText(), answer.body());
        assertTrue(status().path("verify").path("warnings").toString().contains("refused by the delete guard"), status().toString());
    }

    private HttpResponse<String> post(String path, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(DaemonUrls.of(daemon, path))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (secret != null) {
            request.header("Authorization", "Bearer " + secret);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(DaemonUrls.of(daemon, path)).GET();
        if (secret != null) {
            request.header("Authorization", "Bearer " + secret);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
