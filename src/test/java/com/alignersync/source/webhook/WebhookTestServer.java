package com.alignersync.source.webhook;

import com.alignersync.config.HttpListenerConfig;
import com.alignersync.http.OpsRoutes;
import com.alignersync.status.StatusReport;
import com.alignersync.support.OpsServers;
import com.alignersync.config.SinkConfig;
import com.alignersync.config.WebhookConfig;
import com.alignersync.http.HttpServer;
import com.alignersync.ops.SinkStatus;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.sink.support.HostileSqlServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * The webhook input as the daemon runs it, for tests and the benchmark: an in-memory H2
 * clinic, the real sink, the HTTP server on a free port of 127.0.0.1, and a JDK HTTP client.
 */
public final class WebhookTestServer implements AutoCloseable {

    public static final String SECRET = "test-secret-0123456789abcdef";
    public static final byte[] SIGNING_KEY = "a signing key of 32 bytes length".getBytes(StandardCharsets.US_ASCII);
    public static final String SIGNING_SECRET = "v1,whsec_" + Base64.getEncoder().encodeToString(SIGNING_KEY);

    public final H2ClinicTarget target;
    /** What the sink talks to: H2 through the SQL Server emulation layer (unarmed unless a test arms it). */
    public final HostileSqlServer sqlServer;
    public final SqlServerSink sink;
    public final SinkMetrics sinkMetrics;
    public final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    public final WebhookInput webhook;
    public final HttpServer server;
    public final DeadLetterLog deadLetters;
    public final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    public final ObjectMapper mapper = new ObjectMapper();

    public WebhookTestServer(Path dataDir) throws Exception {
        this(dataDir, config(WebhookConfig.Auth.BEARER, SECRET, SIGNING_KEY, 1_048_576), Clock.systemUTC(), (server, webhook) -> { });
    }

    public WebhookTestServer(Path dataDir, WebhookConfig config, Clock clock, BeforeStart extraRoutes) throws Exception {
        // No drain on stop: Jetty's graceful shutdown polls for about a second even when idle
        // (HttpServerTest covers draining).
        this(dataDir, config, clock, extraRoutes, Duration.ZERO);
    }

    /** Registers further routes, as other inputs do, before the server starts. */
    public interface BeforeStart {
        void accept(HttpServer server, WebhookInput webhook) throws Exception;
    }

    public WebhookTestServer(Path dataDir, WebhookConfig config, Clock clock, BeforeStart extraRoutes, Duration stopTimeout)
            throws Exception {
        this(dataDir, config, clock, extraRoutes, stopTimeout, false);
    }

    /** With {@code hostile}, the sink reaches H2 through {@link HostileSqlServer}, so a test can arm SQL Server's failures. */
    public WebhookTestServer(Path dataDir, WebhookConfig config, Clock clock, BeforeStart extraRoutes, Duration stopTimeout,
                             boolean hostile) throws Exception {
        this(dataDir, config, clock, extraRoutes, stopTimeout, hostile, UnaryOperator.identity());
    }

    /** With {@code between}, the sink reaches SQL Server through what it wraps around the data source (a fault a test throws in). */
    public WebhookTestServer(Path dataDir, UnaryOperator<DataSource> between) throws Exception {
        this(dataDir, config(WebhookConfig.Auth.BEARER, SECRET, SIGNING_KEY, 1_048_576), Clock.systemUTC(), (server, webhook) -> { },
                Duration.ZERO, false, between);
    }

    private WebhookTestServer(Path dataDir, WebhookConfig config, Clock clock, BeforeStart extraRoutes, Duration stopTimeout,
                              boolean hostile, UnaryOperator<DataSource> between) throws Exception {
        target = new H2ClinicTarget();
        sqlServer = new HostileSqlServer(target.dataSource(), target.dialect().transactionStateProbe());
        sinkMetrics = new SinkMetrics(registry);
        deadLetters = new DeadLetterLog(dataDir, new ObjectMapper(), clock);
        sink = new SqlServerSink(between.apply(hostile ? sqlServer : target.dataSource()), target.dialect(),
                new SinkConfig(SinkConfig.DeleteMode.DELETE, 2, Duration.ofMillis(1), Duration.ofMillis(2)),
                ZoneOffset.UTC, deadLetters, sinkMetrics, clock);
        webhook = new WebhookInput(config, sink, registry, clock);
        SinkStatus sinkStatus = new SinkStatus(sink, sinkMetrics, deadLetters);
        // One listener with the webhook and the ops routes, as the daemon's two are, for tests of either.
        server = new HttpServer(HttpListenerConfig.local("test", stopTimeout), clock);
        new OpsRoutes(new StatusReport(List.of(webhook.status(), sinkStatus), sinkStatus, clock), sinkStatus, registry,
                OpsServers.bearer(SECRET)).registerOn(server);
        webhook.registerOn(server);
        extraRoutes.accept(server, webhook);
        server.start();
    }

    public static WebhookConfig config(WebhookConfig.Auth auth, String secret, byte[] signingKey, int maxBody) {
        return new WebhookConfig(true, auth, secret, signingKey, Duration.ofMinutes(5), maxBody);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    public static String fixture(String name) {
        try (InputStream in = WebhookTestServer.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A webhook POST as Supabase sends it once the Authorization header is configured. */
    public HttpRequest.Builder webhookRequest(String body) {
        return HttpRequest.newBuilder(uri(WebhookInput.PATH))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    public Answer post(String body) throws IOException, InterruptedException {
        return send(webhookRequest(body).build());
    }

    public Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response.headers().firstValue("Content-Type").orElse(""), mapper);
    }

    /** A GET as an operator sends it, with the operator secret (the status detail). */
    public Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + SECRET).GET().build());
    }

    /** A GET without credentials (the public status summary). */
    public Answer getPublic(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    /** A response: status, raw body, and the body as JSON where it is JSON. */
    public record Answer(int status, String body, String contentType, ObjectMapper mapper) {
        public JsonNode json() {
            try {
                return mapper.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String text(String field) {
            return json().path(field).asText(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Map<String, Object> note(long id) throws Exception {
        return target.note(id);
    }

    @Override
    public void close() {
        server.stop();
        webhook.close();
        target.close();
    }
}
