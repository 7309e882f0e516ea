package com.alignersync.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.support.DaemonUrls;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md section 7, as a clinic sees it: the clinic database goes away mid-stream (its server
 * stopped, then started again) while edits arrive through all three inputs. The daemon reaches
 * the clinic over TCP, as it reaches a SQL Server, so the driver reports the outage with its own
 * numbers. Nothing is parked, no position moves past an edit, and SQL Server ends equal to the
 * portal once the server is back. Meanwhile the freshness figure grows, and falls once it is back.
 */
class ClinicOutageTest extends InProcessDaemon {

    /** Long enough for every input to meet it several times; issue 20's 30 s would only make the suite slower. */
    private static final Duration OUTAGE = Duration.ofSeconds(6);
    private static final int BATCHES = 12;

    Server server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aClinicDatabaseStoppedMidStreamParksNothingAndEndsEqualToThePortal() throws Exception {
        for (int id = 1; id <= BATCHES; id++) {
            portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) VALUES (" + id + ", 3187, 14)");
            target.insertBatch(id, 3187, 14);
        }
        server = Server.createTcpServer("-tcpPort", "0").start();
        int port = server.getPort();
        String memName = target.jdbcUrl().substring("jdbc:h2:".length(), target.jdbcUrl().indexOf(';'));
        String overTcp = "jdbc:h2:tcp://localhost:" + port + "/" + memName + ";MODE=MSSQLServer";
        daemon = Daemon.start(config(Map.of("sqlserver.jdbc-url", overTcp, "sink.retry.max-attempts", "2",
                "sink.retry.max-backoff-ms", "200")), Daemon.lock(dataDir), Clock.systemUTC());
        await("the CDC input streams", () -> "streaming".equalsIgnoreCase(status().path("cdc").path("state").asText()));

        edit(1, 10);
        await("the first edit lands", () -> days(1) == 10);

        server.stop(); // the clinic's server goes away
        long outageEnds = System.nanoTime() + OUTAGE.toNanos();
        int webhook503 = 0;
        for (int id = 2; System.nanoTime() < outageEnds; id = id % BATCHES + 1) {
            edit(id, 10 + id % 7);
            HttpResponse<String> answer = post("/api/sync/webhook", webhookBody(id));
            if (answer.statusCode() == 503) {
                webhook503++;
            }
            assertTrue(answer.statusCode() == 503 || answer.statusCode() == 200, answer.statusCode() + " " + answer.body());
            if (id % 4 == 0) {
                post("/api/sync/poll", "");
            }
            Thread.sleep(150);
        }
        assertTrue(webhook503 > 0, "a webhook during the outage is answered 503, so pg_net's log shows it");
        double during = status().path("summary").path("freshnessSeconds").asDouble(-1);
        assertTrue(during >= OUTAGE.toSeconds() - 1, "freshness grows while SQL Server is away: " + during + " s");
        server = Server.createTcpServer("-tcpPort", String.valueOf(port)).start();

        await("SQL Server equals the portal", () -> {
            try {
                return clinicDays().equals(portalDays());
            } catch (Exception e) {
                return false;
            }
        });
        post("/api/sync/poll", "");
        assertEquals(portalDays(), clinicDays());
        double after = status().path("summary").path("freshnessSeconds").asDouble(-1);
        assertTrue(after >= 0 && after < 3, "freshness falls once everything is in SQL Server: " + after + " s");
        assertEquals(0, status().path("sink").path("deadLetters").asInt(-1), status().toString());
        assertTrue(!Files.exists(dataDir.resolve("dead-letter/dead-letters.jsonl"))
                || Files.readString(dataDir.resolve("dead-letter/dead-letters.jsonl")).isBlank(), "no dead letter");
    }

    private void edit(int id, int days) throws Exception {
        portal.execute("UPDATE aligner_batches SET days = " + days + " WHERE aligner_batch_id = " + id);
    }

    private int days(long id) {
        try {
            return ((Number) target.batch(id).get("DAYS")).intValue();
        } catch (Exception e) {
            return -1;
        }
    }

    private Map<Long, Integer> clinicDays() {
        Map<Long, Integer> days = new TreeMap<>();
        for (long id = 1; id <= BATCHES; id++) {
            days.put(id, days(id));
        }
        return days;
    }

    private static Map<Long, Integer> portalDays() throws Exception {
        Map<Long, Integer> days = new TreeMap<>();
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT aligner_batch_id, days FROM aligner_batches WHERE aligner_batch_id <= " + BATCHES)) {
            while (rs.next()) {
                days.put(rs.getLong(1), rs.getInt(2));
            }
        }
        return days;
    }

    private static String webhookBody(long id) throws Exception {
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT jsonb_build_object('type', 'UPDATE', 'table', 'aligner_batches', 'schema', 'public',"
                     + " 'record', to_jsonb(b), 'old_record', to_jsonb(b) || jsonb_build_object('days', -1))::text"
                     + " FROM aligner_batches b WHERE aligner_batch_id = " + id)) {
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
