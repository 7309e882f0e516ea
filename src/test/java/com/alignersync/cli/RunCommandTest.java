package com.alignersync.cli;

import com.alignersync.app.ExitCodes;

import static com.alignersync.source.webhook.WebhookTestServer.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.sink.support.H2ClinicTarget;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code run} command: configuration errors named at once, and a daemon with only the webhook input that stops cleanly. */
class RunCommandTest {

    @TempDir
    Path dir;

    private final CommandRunner cli = new CommandRunner();

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void withoutAWebhookSecretItRefusesToStartNamingTheKey() throws Exception {
        Path config = dir.resolve("no-secret.properties");
        Files.writeString(config, "sqlserver.jdbc-url=jdbc:h2:mem:unused;MODE=MSSQLServer\ndata.dir=" + dir.resolve("data") + "\n");
        Path complete = dir.resolve("aligner-sync.jsa.new.complete");
        System.setProperty(RunCommand.COMPLETE_RUN_PROPERTY, complete.toString());
        try {
            assertEquals(ExitCodes.CONFIG, run("run", "--config", config.toString()));
        } finally {
            System.clearProperty(RunCommand.COMPLETE_RUN_PROPERTY);
        }
        assertFalse(Files.exists(complete), "a run that never started is no run to make a class-data archive of");
        // Every problem at once: the webhook secret, and what the enabled CDC and poll inputs need.
        assertTrue(cli.err().contains("webhook.secret (env WEBHOOK_SECRET) is not set"), cli.err());
        assertTrue(cli.err().contains("SUPABASE_DB_URL"), cli.err());
        assertTrue(cli.err().contains("SUPABASE_URL"), cli.err());
    }

    @Test
    void withOnlyTheWebhookEnabledItServesWebhooksIntoTheClinicDatabaseUntilStopped() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            Path config = dir.resolve("webhook.properties");
            Files.writeString(config, String.join("\n",
                    "sqlserver.jdbc-url=" + target.jdbcUrl(),
                    "webhook.secret=cli-secret-0123456789",
                    "http.port=" + port,
                    "http.bind-address=127.0.0.1",
                    "cdc.enabled=false",
                    "poll.enabled=false",
                    "data.dir=" + dir.resolve("data").toString().replace('\\', '/'),
                    ""));
            Path complete = dir.resolve("aligner-sync.jsa.new.complete");
            System.setProperty(RunCommand.COMPLETE_RUN_PROPERTY, complete.toString());
            AtomicInteger exit = new AtomicInteger(-1);
            Thread daemon = new Thread(() -> exit.set(run("run", "--config", config.toString())), "run-command");
            daemon.start();
            HttpClient client = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitHealthy(client, base, daemon);

            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(base.resolve("/api/sync/webhook"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer cli-secret-0123456789")
                    .POST(HttpRequest.BodyPublishers.ofString(fixture("webhook-notes-insert.json"))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"result\":\"applied\""), answer.body());
            assertEquals("Doctor", target.note(90412).get("NOTETYPE"));

            assertFalse(Files.exists(complete), "not before the stop");
            daemon.interrupt();
            daemon.join(30_000);
            System.clearProperty(RunCommand.COMPLETE_RUN_PROPERTY);
            assertFalse(daemon.isAlive());
            assertEquals(0, exit.get(), cli.err());
            assertTrue(Files.exists(complete), "a daemon that started and stopped cleanly tells the launcher its run was a whole one");
            assertThrows(IOException.class, () -> client.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    private static void awaitHealthy(HttpClient client, URI base, Thread daemon) throws Exception {
        for (int attempt = 0; attempt < 300; attempt++) {
            assertTrue(daemon.isAlive(), "the command exited early");
            try {
                if (client.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the run command did not become healthy");
    }
}
