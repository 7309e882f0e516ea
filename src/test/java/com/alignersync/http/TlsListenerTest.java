package com.alignersync.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.HttpListenerConfig;
import com.alignersync.config.TlsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public listener's TLS: it serves the clinic's certificate from PEM or PKCS#12 files, and a
 * renewal written over those files while it runs, without a restart; files caught half written are
 * not served. The client verifies the chain and the host name, as pg_net does.
 */
class TlsListenerTest {

    @TempDir
    static Path certificates;
    static Path first;
    static Path second;
    static Path ecdsa;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        first = TestCertificates.pkcs12(certificates, "first", "RSA");
        second = TestCertificates.pkcs12(certificates, "second", "RSA");
        ecdsa = TestCertificates.pkcs12(certificates, "ecdsa", "EC");
    }

    @Test
    void aPemChainAndKeyAreServedAndACheckingClientAcceptsThem() throws Exception {
        HttpServer server = tlsServer(pem(first, Duration.ofHours(1)));
        try {
            HttpResponse<String> health = get(server, "/health");
            assertEquals(200, health.statusCode(), health.body());
            assertEquals("CN=first", servedSubject(health));
            assertEquals("CN=first", server.tlsSnapshot().orElseThrow().get("subject"));
            // Plain HTTP on the TLS port gets no HTTP answer at all: nothing crosses in clear text.
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString()));
        } finally {
            server.stop();
        }
    }

    @Test
    void aRenewalWrittenOverTheFilesIsServedToNewConnectionsWithoutARestart() throws Exception {
        HttpServer server = tlsServer(pem(first, Duration.ofMillis(100)));
        try {
            assertEquals("CN=first", servedSubject(get(server, "/health")));
            // certbot renews: both files replaced.
            write("fullchain.pem", TestCertificates.certificatePem(second));
            write("privkey.pem", TestCertificates.keyPem(second));
            Instant deadline = Instant.now().plusSeconds(20);
            String subject = "CN=first";
            while (!subject.equals("CN=second") && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
                subject = servedSubject(get(server, "/health"));
            }
            assertEquals("CN=second", subject, "the timer picked up the renewal");
        } finally {
            server.stop();
        }
    }

    @Test
    void aRenewalCaughtHalfWrittenKeepsTheOldCertificateUntilThePairMatches() throws Exception {
        HttpServer server = tlsServer(pem(first, Duration.ofHours(1)));
        try {
            // The new chain is in place, its key not yet.
            write("fullchain.pem", TestCertificates.certificatePem(second));
            server.checkCertificateNow();
            assertEquals("CN=first", servedSubject(get(server, "/health")), "a chain without its key is not served");
            Map<String, Object> status = server.tlsSnapshot().orElseThrow();
            assertTrue(String.valueOf(status.get("reloadProblem")).contains("is not the key of the first certificate"), status.toString());
            // A truncated key file: still the old certificate.
            write("privkey.pem", TestCertificates.keyPem(second).substring(0, 100));
            server.checkCertificateNow();
            assertEquals("CN=first", servedSubject(get(server, "/health")));

            write("privkey.pem", TestCertificates.keyPem(second));
            server.checkCertificateNow();
            assertEquals("CN=second", servedSubject(get(server, "/health")));
            assertFalse(server.tlsSnapshot().orElseThrow().containsKey("reloadProblem"), "the problem clears once the pair is served");
        } finally {
            server.stop();
        }
    }

    @Test
    void aPkcs12FileWithItsPasswordIsServedAndAWrongPasswordStopsTheStartNamingTheSetting() throws Exception {
        HttpServer server = tlsServer(new TlsConfig(ecdsa, Optional.empty(), TestCertificates.PASSWORD, Duration.ofHours(1)));
        try {
            assertEquals("CN=ecdsa", servedSubject(get(server, "/health")));
        } finally {
            server.stop();
        }
        HttpServer wrong = new HttpServer(HttpListenerConfig.local("public", Duration.ZERO)
                .withTls(new TlsConfig(ecdsa, Optional.empty(), "not-the-password", Duration.ofHours(1))), Clock.systemUTC());
        RuntimeException refused = assertThrows(RuntimeException.class, wrong::start);
        assertTrue(refused.getMessage().contains("http.tls.key-store-password"), refused.getMessage());
    }

    @Test
    void anRsaKeyInPkcs1PemIsReadAndAnEcKeyInSec1PemIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Path cert = write("fullchain.pem", TestCertificates.certificatePem(first));
        Path key = write("privkey.pem", TestCertificates.rsaPkcs1Pem(first));
        assertTrue(Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        HttpServer server = tlsServer(new TlsConfig(cert, Optional.of(key), "", Duration.ofHours(1)));
        try {
            assertEquals("CN=first", servedSubject(get(server, "/health")));
        } finally {
            server.stop();
        }
        Path sec1 = write("ec.pem", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n");
        RuntimeException refused = assertThrows(RuntimeException.class, () -> TlsKeyStores.load(
                new TlsConfig(cert, Optional.of(sec1), "", Duration.ofHours(1))));
        assertTrue(refused.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), refused.getMessage());
    }

    @Test
    void aKeyThatIsNotTheCertificatesStopsTheStartBeforeAnythingListens() throws Exception {
        Path cert = write("fullchain.pem", TestCertificates.certificatePem(first));
        Path key = write("privkey.pem", TestCertificates.keyPem(second));
        HttpServer server = new HttpServer(HttpListenerConfig.local("public", Duration.ZERO)
                .withTls(new TlsConfig(cert, Optional.of(key), "", Duration.ofHours(1))), Clock.systemUTC());
        RuntimeException refused = assertThrows(RuntimeException.class, server::start);
        assertTrue(refused.getMessage().contains("is not the key of the first certificate"), refused.getMessage());
    }

    @Test
    void statusWarnsTwoWeeksBeforeTheCertificateExpires() throws Exception {
        // keytool's certificates are valid for 30 days: no warning yet.
        HttpServer server = tlsServer(pem(first, Duration.ofHours(1)));
        try {
            Map<String, Object> status = new ListenerStatus(server, false).statusSnapshot();
            assertEquals("tls", status.get("protection"));
            assertEquals("127.0.0.1:" + server.port(), status.get("address"), "the port listened on, not the configured 0");
            assertEquals(List.of(), status.get("warnings"));
            X509Certificate served = TestCertificates.certificate(first);
            assertEquals(served.getNotAfter().toInstant().toString(), ((Map<?, ?>) status.get("tls")).get("notAfter"));
            assertTrue(Duration.between(Instant.now(), served.getNotAfter().toInstant()).compareTo(ListenerStatus.EXPIRY_WARNING) > 0);
        } finally {
            server.stop();
        }
    }

    @Test
    void aTlsListenerListensOnTheConfiguredAddressAndPortOnly() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        HttpServer server = new HttpServer(new com.alignersync.config.HttpListenerConfig("public", "127.0.0.1", port,
                Optional.of(pem(first, Duration.ofHours(1))),
                com.alignersync.config.HttpLimits.defaults(Duration.ZERO)), Clock.systemUTC());
        server.start();
        try {
            assertEquals(port, server.port(), "http.port, not a port of Jetty's choosing");
            java.net.InetAddress other = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                    .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()).findFirst().orElse(null);
            if (other != null) {
                assertThrows(IOException.class, () -> {
                    try (java.net.Socket socket = new java.net.Socket()) {
                        socket.connect(new java.net.InetSocketAddress(other, port), 2000);
                    }
                }, "bound to 127.0.0.1, not reachable on " + other);
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void aCertificateFileMissingForAMomentLeavesNoProblemOnceItIsBack() throws Exception {
        HttpServer server = tlsServer(pem(first, Duration.ofHours(1)));
        try {
            Path key = dir.resolve("privkey.pem");
            String content = Files.readString(key);
            Files.delete(key);
            server.checkCertificateNow();
            assertTrue(server.tlsSnapshot().orElseThrow().containsKey("reloadProblem"), "missing now: " + server.tlsSnapshot());
            Files.writeString(key, content);
            server.checkCertificateNow();
            assertFalse(server.tlsSnapshot().orElseThrow().containsKey("reloadProblem"), "back: " + server.tlsSnapshot());
            assertEquals("CN=first", servedSubject(get(server, "/health")));
        } finally {
            server.stop();
        }
    }

    /** The PEM files of {@code store}, as Let's Encrypt names them, watched every {@code reloadCheck}. */
    private TlsConfig pem(Path store, Duration reloadCheck) throws Exception {
        Path cert = write("fullchain.pem", TestCertificates.certificatePem(store));
        Path key = write("privkey.pem", TestCertificates.keyPem(store));
        return new TlsConfig(cert, Optional.of(key), "", reloadCheck);
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        // Written in place, as a renewal that is not atomic would: the reloader must cope.
        Files.writeString(file, content);
        return file;
    }

    private static HttpServer tlsServer(TlsConfig tls) {
        HttpServer server = new HttpServer(HttpListenerConfig.local("public", Duration.ZERO).withTls(tls), Clock.systemUTC());
        server.start();
        return server;
    }

    /** A new client per request, trusting the test certificates only and checking the host name: every request a new handshake. */
    private static HttpResponse<String> get(HttpServer server, String path) throws Exception {
        HttpClient client = TestCertificates.clientTrusting(first, second, ecdsa);
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String servedSubject(HttpResponse<?> response) throws Exception {
        return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }
}
