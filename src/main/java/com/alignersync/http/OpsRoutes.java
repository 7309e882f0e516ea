package com.alignersync.http;

import com.alignersync.status.ReadinessCheck;
import com.alignersync.status.StatusReport;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.Optional;

/**
 * What the ops listener serves besides the operator routes: the console at {@code /},
 * {@code /api/sync/status} (a summary of states for anyone who reaches the listener, the full
 * detail, with hosts, keys and reasons, for a request with the operator secret),
 * {@code /ready} (the reason, too, only with the operator secret) and {@code /metrics}.
 */
public final class OpsRoutes {

    private final StatusReport status;
    private final ReadinessCheck readiness;
    private final PrometheusMeterRegistry registry;
    private final RequestAuthenticator operator;
    private final ConsoleAssets console;

    public OpsRoutes(StatusReport status, ReadinessCheck readiness, PrometheusMeterRegistry registry, RequestAuthenticator operator) {
        this.status = status;
        this.readiness = readiness;
        this.registry = registry;
        this.operator = operator;
        // Loaded here, so a jar without the console's files fails as such, not as a port in use at start().
        this.console = new ConsoleAssets();
    }

    public void registerOn(HttpServer server) {
        server.get("/ready", this::ready);
        server.get("/metrics", ctx -> ctx.status(200).contentType(HttpServer.PROMETHEUS_TEXT).result(registry.scrape()));
        server.get("/api/sync/status", this::status);
        server.get(ConsoleAssets.PAGE_PATH, console::page);
        server.get(ConsoleAssets.ASSET_PATH, console::asset);
    }

    private void status(Context ctx) {
        // Without credentials, or with no operator secret configured to check them against: the summary.
        Optional<String> misconfigured = operator.misconfigured();
        if (ctx.header("Authorization") == null || misconfigured.isPresent()) {
            Map<String, Object> summary = status.publicSummary();
            // No one can read the detail until the secret is set: say which key, a configuration fact, not a patient's.
            misconfigured.ifPresent(reason -> summary.put("detailUnavailable", reason));
            JsonResponses.send(ctx, 200, summary);
            return;
        }
        // Credentials sent but wrong: say so, rather than a summary that reads like a daemon without detail.
        Optional<String> refused = operatorRefusal(ctx);
        if (refused.isPresent()) {
            ctx.header("WWW-Authenticate", "Bearer");
            JsonResponses.error(ctx, 401, "unauthorized", refused.get(), null);
            return;
        }
        JsonResponses.send(ctx, 200, status.detail());
    }

    /**
     * A bare {@code GET /ready} for the public listener, where a load balancer or reverse proxy in
     * front asks whether to send webhooks here: ready or not, never why (the reason names hosts).
     */
    public static void registerBareReadyOn(HttpServer server, ReadinessCheck readiness) {
        server.get("/ready", ctx -> {
            boolean ready = readiness.notReadyReason().isEmpty();
            JsonResponses.send(ctx, ready ? 200 : 503, Map.of("ready", ready));
        });
    }

    /** Why the request is not the operator's (no secret configured, or not the one it sends); empty when it is. */
    private Optional<String> operatorRefusal(Context ctx) {
        return operator.misconfigured().or(() -> operator.rejectReason(ctx::header, new byte[0]));
    }

    /** 200 or 503 for anyone (a probe); the reason, which can name hosts and logins, only with the operator secret. */
    private void ready(Context ctx) {
        Optional<String> reason = readiness.notReadyReason();
        if (reason.isEmpty()) {
            JsonResponses.send(ctx, 200, Map.of("ready", true));
            return;
        }
        boolean operatorAsks = ctx.header("Authorization") != null && operatorRefusal(ctx).isEmpty();
        String message = operatorAsks ? reason.get()
                : "not ready; the reason is given with the operator secret (Authorization: Bearer <OPERATOR_SECRET>), and by the status command";
        Map<String, Object> body = JsonResponses.errorBody(503, "not_ready", message, null);
        body.put("ready", false);
        JsonResponses.send(ctx, 503, body);
    }
}
