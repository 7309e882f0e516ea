package com.alignersync.http;

import com.alignersync.config.HttpServerConfig;
import com.alignersync.status.ReadinessCheck;
import com.alignersync.status.StatusReport;
import com.alignersync.status.StatusSource;
import io.javalin.Javalin;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's one HTTP server: the status console at {@code GET /}, {@code GET /health},
 * {@code GET /ready}, {@code GET /metrics}, {@code GET /api/sync/status}, and whatever routes the inputs
 * register before {@link #start()} (the webhook, a manual poll trigger, the dead-letter
 * replay). Every answer, errors and unknown routes included, is JSON (metrics and the
 * console's files excepted).
 */
public final class HttpServer {

    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private record Route(HandlerType method, String path, Handler handler) {
    }

    private final HttpServerConfig config;
    private final StatusReport status;
    private final ReadinessCheck readiness;
    private final PrometheusMeterRegistry registry;
    private final ConsoleAssets console;
    private final List<Route> routes = new ArrayList<>();
    private Javalin app;

    /**
     * @param statusSources every part whose snapshot {@code /api/sync/status} shows
     * @param readiness     what {@code /ready} asks (the sink)
     * @param registry      the registry the sink's and the inputs' meters are registered on
     */
    public HttpServer(HttpServerConfig config, List<StatusSource> statusSources, ReadinessCheck readiness,
                      PrometheusMeterRegistry registry, Clock clock) {
        this.config = config;
        this.status = new StatusReport(statusSources, readiness, clock);
        this.readiness = readiness;
        this.registry = registry;
        // Loaded here, so a jar without the console's files fails as such, not as a port in use at start().
        this.console = new ConsoleAssets();
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
                server.setStopTimeout(config.stopTimeout().toMillis());
                server.setHandler(new GracefulHandler());
                // Before any authentication a request costs a connection and a thread: cap both.
                server.addBean(new NetworkConnectionLimit(config.maxConnections(), server));
            });
            javalin.jetty.modifyHttpConfiguration(http -> {
                http.setIdleTimeout(config.idleTimeout().toMillis());
                http.setMinRequestDataRate(config.minRequestDataRate());
            });
            javalin.routes.get("/health", ctx -> JsonResponses.send(ctx, 200, Map.of("status", "up")));
            javalin.routes.get("/ready", this::ready);
            javalin.routes.get("/metrics", ctx -> ctx.status(200).contentType(PROMETHEUS_TEXT).result(registry.scrape()));
            javalin.routes.get("/api/sync/status", ctx -> JsonResponses.send(ctx, 200, status.snapshot()));
            javalin.routes.get(ConsoleAssets.PAGE_PATH, console::page);
            javalin.routes.get(ConsoleAssets.ASSET_PATH, console::asset);
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
        app.start();
        log.info("http: listening on {}:{} (console at /, webhook, /api/sync/status, /health, /ready, /metrics)", config.bindAddress(), app.port());
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
            log.info("http: stopping (waiting up to {} ms for requests in progress)", config.stopTimeout().toMillis());
            app.stop();
            app = null;
        }
    }

    private void ready(Context ctx) {
        Optional<String> reason = readiness.notReadyReason();
        if (reason.isEmpty()) {
            JsonResponses.send(ctx, 200, Map.of("ready", true));
        } else {
            Map<String, Object> body = JsonResponses.errorBody(503, "not_ready", reason.get(), null);
            body.put("ready", false);
            JsonResponses.send(ctx, 503, body);
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
