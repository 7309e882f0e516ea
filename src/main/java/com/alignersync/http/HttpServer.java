package com.alignersync.http;

import com.alignersync.config.HttpLimits;
import com.alignersync.config.HttpListenerConfig;
import io.javalin.Javalin;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP listener: the daemon runs two, the public one with only the webhook and the ops
 * one with the console, status, metrics and operator routes ({@link OpsRoutes}). Each answers
 * {@code GET /health}, holds the flood limits of {@code http.*}, speaks TLS when given a
 * certificate (and serves its renewals without a restart), and answers everything as JSON,
 * errors and unknown routes included (metrics and the console's files excepted).
 */
public final class HttpServer {

    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private record Route(HandlerType method, String path, Handler handler) {
    }

    private final HttpListenerConfig config;
    private final Clock clock;
    private final List<Route> routes = new ArrayList<>();
    private CertificateReloader certificates;
    private Javalin app;

    public HttpServer(HttpListenerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public HttpListenerConfig config() {
        return config;
    }

    /** Adds a route; only before {@link #start()}, as Javalin fixes its routes at creation. */
    public synchronized HttpServer route(HandlerType method, String path, Handler handler) {
        if (app != null) {
            throw new IllegalStateException("routes must be registered before the HTTP server starts: " + method + " " + path);
        }
        routes.add(new Route(method, path, handler));
        return this;
    }

    public HttpServer post(String path, Handler handler) {
        return route(HandlerType.POST, path, handler);
    }

    /**
     * A POST that makes the daemon act (poll, reconcile, replay): answered 401 with
     * {@code WWW-Authenticate: Bearer} unless {@code authenticator} accepts the request, and 503
     * {@code not_configured} naming the setting while the daemon cannot authenticate anyone.
     */
    public HttpServer postProtected(String path, RequestAuthenticator authenticator, Handler handler) {
        return post(path, ctx -> authenticated(ctx, authenticator, ctx.bodyAsBytes(), handler));
    }

    /** A GET that shows operators what the public may not see (a trace): authenticated like {@link #postProtected}. */
    public HttpServer getProtected(String path, RequestAuthenticator authenticator, Handler handler) {
        return get(path, ctx -> authenticated(ctx, authenticator, new byte[0], handler));
    }

    /**
     * Runs {@code handler} only for a request {@code authenticator} accepts: 401 with
     * {@code WWW-Authenticate: Bearer} otherwise, and 503 {@code not_configured} naming the
     * setting while the daemon cannot authenticate anyone.
     */
    private static void authenticated(io.javalin.http.Context ctx, RequestAuthenticator authenticator, byte[] body, Handler handler)
            throws Exception {
        java.util.Optional<String> misconfigured = authenticator.misconfigured();
        if (misconfigured.isPresent()) {
            JsonResponses.error(ctx, 503, "not_configured", misconfigured.get(), null);
            return;
        }
        java.util.Optional<String> refused = authenticator.rejectReason(ctx::header, body);
        if (refused.isPresent()) {
            ctx.header("WWW-Authenticate", "Bearer");
            JsonResponses.error(ctx, 401, "unauthorized", refused.get(), null);
            return;
        }
        handler.handle(ctx);
    }

    public HttpServer get(String path, Handler handler) {
        return route(HandlerType.GET, path, handler);
    }

    public synchronized void start() {
        if (app != null) {
            throw new IllegalStateException("the HTTP server is already started");
        }
        List<Route> all = new ArrayList<>(routes);
        // Loaded before anything listens: a certificate that cannot be served stops the start with its reason.
        if (certificates == null) {
            certificates = config.tls().map(tls -> new CertificateReloader(tls, clock)).orElse(null);
        }
        HttpLimits limits = config.limits();
        app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.startup.showOldJavalinVersionWarning = false;
            // GET on the webhook says "use POST" rather than "no such endpoint".
            javalin.http.prefer405over404 = true;
            javalin.jetty.host = config.bindAddress();
            javalin.jetty.port = config.port();
            javalin.jetty.modifyServer(server -> {
                // With a stop timeout, Jetty stops accepting, lets requests in progress finish
                // (up to the timeout) and answers 503 to new ones on open connections.
                server.setStopTimeout(limits.stopTimeout().toMillis());
                server.setHandler(new GracefulHandler());
                // Before any authentication a request costs a connection and a thread: cap both.
                server.addBean(new NetworkConnectionLimit(limits.maxConnections(), server));
            });
            javalin.jetty.modifyHttpConfiguration(http -> {
                http.setIdleTimeout(limits.idleTimeout().toMillis());
                http.setMinRequestDataRate(limits.minRequestDataRate());
            });
            if (certificates != null) {
                // An added connector replaces Javalin's own, host and port included: it must carry them itself.
                javalin.jetty.addConnector((server, http) -> tlsConnector(server, http, certificates, config));
            }
            javalin.routes.get("/health", ctx -> JsonResponses.send(ctx, 200, Map.of("status", "up")));
            for (Route route : all) {
                javalin.routes.addHttpHandler(route.method(), route.path(), route.handler());
            }
            javalin.routes.exception(HttpResponseException.class, (e, ctx) -> javalinError(ctx, e));
            javalin.routes.exception(Exception.class, (e, ctx) -> {
                log.error("http: {} {} failed: {}", ctx.method(), ctx.path(), e.toString(), e);
                JsonResponses.error(ctx, 500, "internal_error", "the request failed inside the daemon; see its log", null);
            });
            javalin.routes.error(404, ctx -> {
                if (!JsonResponses.JSON.equals(ctx.res().getContentType())) {
                    JsonResponses.error(ctx, 404, "not_found", "no endpoint " + ctx.method() + " " + ctx.path(), null);
                }
            });
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            app = null;
            throw e;
        }
        if (certificates != null) {
            certificates.start();
        }
        log.info("http: {} listener on {}://{}:{} ({})", config.name(), config.scheme(), config.bindAddress(), app.port(),
                String.join(", ", all.stream().map(r -> r.method() + " " + r.path()).distinct().toList()));
    }

    private static ServerConnector tlsConnector(Server server, HttpConfiguration http, CertificateReloader certificates,
                                                HttpListenerConfig config) {
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // See CertificateReloader: the name a client asked for is its own check to make.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(certificates.factory(), "http/1.1"),
                new HttpConnectionFactory(https));
        connector.setHost(config.bindAddress());
        connector.setPort(config.port());
        return connector;
    }

    /**
     * Loads the certificate files, so that ones that cannot be served (unreadable, not PEM or
     * PKCS#12, a key that is not the chain's) stop a start before anything else starts, as a
     * configuration error rather than a port in use. {@link #start()} serves what was loaded here.
     *
     * @return why the files cannot be served; empty when they can, or when there is no TLS
     */
    public synchronized Optional<String> loadCertificate() {
        if (certificates != null || config.tls().isEmpty()) {
            return Optional.empty();
        }
        try {
            certificates = new CertificateReloader(config.tls().get(), clock);
            return Optional.empty();
        } catch (TlsKeyStores.TlsFileException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The certificate the public listener would serve from these files (for {@code check}).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static java.security.cert.X509Certificate servableCertificate(com.alignersync.config.TlsConfig tls) {
        try {
            return TlsKeyStores.load(tls).leaf();
        } catch (TlsKeyStores.TlsFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The certificate the public listener serves, for status; empty without TLS. */
    public synchronized Optional<Map<String, Object>> tlsSnapshot() {
        return Optional.ofNullable(certificates).map(CertificateReloader::snapshot);
    }

    /** Looks at the certificate files now, as the timer does (tests; an operator's renewal hook could too). */
    synchronized void checkCertificateNow() {
        if (certificates != null) {
            certificates.check();
        }
    }

    /** The port listened on once started, the configured one before (status may be asked at any time). */
    synchronized int portOrConfigured() {
        return app == null ? config.port() : app.port();
    }

    /** The port listened on (the one chosen when configured as 0). */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("the HTTP server is not started");
        }
        return app.port();
    }

    /** Stops accepting requests and lets those in progress finish, up to {@code http.stop-timeout-ms}. */
    public synchronized void stop() {
        if (app != null) {
            log.info("http: stopping the {} listener (waiting up to {} ms for requests in progress)", config.name(),
                    config.limits().stopTimeout().toMillis());
            app.stop();
            app = null;
        }
        if (certificates != null) {
            certificates.close();
        }
    }

    private static void javalinError(Context ctx, HttpResponseException e) {
        String error = switch (e.getStatus()) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            default -> "http_" + e.getStatus();
        };
        String message = e.getStatus() == 404 ? "no endpoint " + ctx.method() + " " + ctx.path() : e.getMessage();
        JsonResponses.error(ctx, e.getStatus(), error, message, null);
    }
}
