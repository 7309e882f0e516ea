package com.alignersync.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.alignersync.http.TestCertificates;
import com.alignersync.source.webhook.WebhookTestServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped nginx configuration ({@code connector-config/proxy/nginx.conf}), as shipped with
 * only its placeholders filled in, in front of the webhook: TLS, the webhook passed on, nothing
 * else. Needs Debian's nginx (.ci/run installs nginx-light); without it the test is skipped.
 */
class ReverseProxyConfigTest {

    private static final Path SHIPPED = Path.of("connector-config/proxy/nginx.conf");

    @TempDir
    Path dir;

    @Test
    void theShippedNginxConfigPassesOnlyTheWebhookOverTlsToTheDaemon() throws Exception {
        Path nginx = Path.of("/usr/sbin/nginx");
        assumeTrue(Files.isExecutable(nginx), "nginx is not installed (apt-get install nginx-light; .ci/run does)");
        Path store = TestCertificates.pkcs12(dir, "proxy", "RSA");
        Path cert = Files.writeString(dir.resolve("fullchain.pem"), TestCertificates.certificatePem(store));
        Path key = Files.writeString(dir.resolve("privkey.pem"), TestCertificates.keyPem(store));
        int proxyPort = freePort();

        try (WebhookTestServer daemon = new WebhookTestServer(Files.createDirectories(dir.resolve("data")))) {
            String shipped = Files.readString(SHIPPED, StandardCharsets.UTF_8);
            for (String placeholder : new String[]{"listen 8443 ssl;", "/etc/letsencrypt/live/sync.clinic.example/fullchain.pem",
                    "/etc/letsencrypt/live/sync.clinic.example/privkey.pem", "http://127.0.0.1:3000;"}) {
                assertTrue(shipped.contains(placeholder), "the shipped file has " + placeholder);
            }
            String server = shipped.replace("listen 8443 ssl;", "listen 127.0.0.1:" + proxyPort + " ssl;")
                    .replace("/etc/letsencrypt/live/sync.clinic.example/fullchain.pem", cert.toString())
                    .replace("/etc/letsencrypt/live/sync.clinic.example/privkey.pem", key.toString())
                    .replace("http://127.0.0.1:3000;", "http://127.0.0.1:" + daemon.uri("/").getPort() + ";");
            Path site = Files.writeString(dir.resolve("aligner-sync.conf"), server);
            // What nginx's own nginx.conf would hold around it, with every path in the test's directory.
            Path main = Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
                    "daemon off;", "master_process off;", "pid " + dir.resolve("nginx.pid") + ";",
                    "error_log " + dir.resolve("error.log") + " warn;", "events { worker_connections 64; }",
                    "http {", "  access_log off;",
                    "  client_body_temp_path " + dir.resolve("body") + ";", "  proxy_temp_path " + dir.resolve("proxy") + ";",
                    "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";", "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                    "  scgi_temp_path " + dir.resolve("scgi") + ";",
                    "  include " + site + ";", "}", ""));
            Process proxy = new ProcessBuilder(nginx.toString(), "-p", dir.toString(), "-c", main.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            try {
                awaitListening(proxyPort, proxy);
                HttpClient client = TestCertificates.clientTrusting(store);
                URI base = URI.create("https://localhost:" + proxyPort);

                HttpResponse<String> applied = client.send(HttpRequest.newBuilder(base.resolve("/api/sync/webhook"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + WebhookTestServer.SECRET)
                        .POST(HttpRequest.BodyPublishers.ofString(WebhookTestServer.fixture("webhook-notes-insert.json"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, applied.statusCode(), applied.body());
                assertTrue(applied.body().contains("\"applied\""), applied.body());
                assertEquals(1, daemon.target.writes(), "the note reached SQL Server through the proxy");

                HttpResponse<String> refused = client.send(HttpRequest.newBuilder(base.resolve("/api/sync/webhook"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(401, refused.statusCode(), "the daemon still authenticates: " + refused.body());

                // The upstream here serves status and operator routes too; the proxy passes none of them on.
                for (String path : new String[]{"/", "/api/sync/status", "/metrics", "/console/console.js"}) {
                    HttpResponse<String> hidden = client.send(HttpRequest.newBuilder(base.resolve(path))
                            .header("Authorization", "Bearer " + WebhookTestServer.SECRET).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(404, hidden.statusCode(), path + ": " + hidden.body());
                }
                HttpResponse<String> replay = client.send(HttpRequest.newBuilder(base.resolve("/api/sync/dead-letters/replay"))
                        .header("Authorization", "Bearer " + WebhookTestServer.SECRET).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(404, replay.statusCode(), replay.body());
                assertEquals(403, client.send(HttpRequest.newBuilder(base.resolve("/api/sync/webhook")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode(), "GET on the webhook");
                assertEquals(200, client.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode());

                String large = "{\"pad\":\"" + "x".repeat(300 * 1024) + "\"}";
                HttpResponse<String> tooLarge = client.send(HttpRequest.newBuilder(base.resolve("/api/sync/webhook"))
                        .header("Authorization", "Bearer " + WebhookTestServer.SECRET).POST(HttpRequest.BodyPublishers.ofString(large)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(413, tooLarge.statusCode(), "refused by the proxy before the daemon");
            } finally {
                proxy.destroy();
                proxy.waitFor();
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening(int port, Process proxy) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (!proxy.isAlive()) {
                throw new AssertionError("nginx exited: " + Files.readString(dir.resolve("nginx.out")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nginx did not listen within 20 s: " + Files.readString(dir.resolve("nginx.out")));
    }
}
