package com.alignersync.http;

import com.alignersync.reconcile.ReconcileResult;
import com.alignersync.reconcile.ReconcileService;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/sync/reconcile[?dry_run=true]}: a reconcile pass now (after one in
 * progress), answering its result. Protected like the poll trigger, by the bearer secret only
 * (never a webhook signature, which does not cover the path), since it deletes rows in SQL
 * Server. 200 when the pass completed; 502 when the REST API failed; 503
 * when SQL Server did; 409 when the mass-delete guard refused it.
 */
public final class ReconcileTrigger {

    public static final String PATH = "/api/sync/reconcile";

    private static final Logger log = LoggerFactory.getLogger(ReconcileTrigger.class);

    private final ReconcileService service;
    private final RequestAuthenticator authenticator;

    public ReconcileTrigger(ReconcileService service, RequestAuthenticator authenticator) {
        this.service = service;
        this.authenticator = authenticator;
    }

    public void registerOn(HttpServer server) {
        server.postProtected(PATH, authenticator, this::handle);
    }

    void handle(Context ctx) throws InterruptedException {
        boolean dryRun = "true".equalsIgnoreCase(ctx.queryParam("dry_run"));
        log.info("reconcile: {} requested over HTTP", dryRun ? "dry run" : "pass");
        ReconcileResult result = service.runNow(dryRun, "http");
        int status = result.ok() ? 200 : switch (result.error().kind()) {
            case REST -> 502;
            case GUARD -> 409;
            case SINK, STATE -> 503;
        };
        JsonResponses.send(ctx, status, result.toMap());
    }
}
