package com.alignersync.source.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.WebhookConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: a flood before authentication must not block real webhooks (pg_net gives up after its
 * timeout and never retries). Connections declare large bodies and trickle them, some without
 * credentials, some with signature headers that force the body to be read; a real webhook sent
 * meanwhile is answered in time, and the trickled bodies are cut off. Bounded in count and time,
 * loopback only.
 */
class WebhookFloodTest {

    private static final int CONNECTIONS = 120;

    @TempDir
    Path dataDir;

    @Test
    void slowLargeBodiesBeforeAuthenticationDoNotStopARealWebhook() throws Exception {
        WebhookConfig config = WebhookTestServer.config(WebhookConfig.Auth.BEARER, WebhookTestServer.SECRET, WebhookTestServer.SIGNING_KEY,
                262_144);
        try (WebhookTestServer http = new WebhookTestServer(dataDir, config, Clock.systemUTC(), (s, w) -> { })) {
            int port = http.uri("/").getPort();
            List<Socket> flood = new ArrayList<>();
            AtomicInteger cutOff = new AtomicInteger();
            List<CompletableFuture<Void>> tricklers = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket socket = new Socket("127.0.0.1", port);
                    socket.setSoTimeout(15_000);
                    flood.add(socket);
                    boolean signed = i % 2 == 0; // half force the body to be read: a signature needs it
                    String headers = "POST " + WebhookInput.PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 200000\r\n"
                            + (signed ? "webhook-id: msg_" + i + "\r\nwebhook-timestamp: " + (System.currentTimeMillis() / 1000)
                            + "\r\nwebhook-signature: v1,AAAA\r\n" : "")
                            + "\r\n";
                    OutputStream out = socket.getOutputStream();
                    out.write(headers.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    tricklers.add(CompletableFuture.runAsync(() -> trickle(socket, cutOff)));
                }

                long started = System.nanoTime();
                WebhookTestServer.Answer answer = http.post(Files.readString(Path.of("src/test/resources/fixtures/webhook-notes-insert.json")));
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(200, answer.status(), answer.toString());
                assertTrue(millis < 5_000, "a real webhook is answered within pg_net's patience: " + millis + " ms");

                CompletableFuture.allOf(tricklers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                assertTrue(cutOff.get() >= CONNECTIONS / 2, "the server ends trickled bodies and refused requests itself: " + cutOff.get()
                        + " of " + CONNECTIONS);
                assertEquals(200, http.get("/health").status(), "the daemon is still up");
            } finally {
                for (Socket socket : flood) {
                    socket.close();
                }
            }
        }
    }

    /** One byte every 200 ms, for at most 8 s: far under any sane minimum data rate. */
    private static void trickle(Socket socket, AtomicInteger cutOff) {
        try {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < end) {
                if (in.available() > 0) { // an answer (401, 408, 413) before the body was sent: the server cut it off
                    cutOff.incrementAndGet();
                    return;
                }
                out.write('{');
                out.flush();
                Thread.sleep(200);
            }
        } catch (Exception e) {
            cutOff.incrementAndGet(); // the server closed the connection
        }
    }
}
