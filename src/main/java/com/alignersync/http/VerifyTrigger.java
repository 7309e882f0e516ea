package com.alignersync.http;

import com.alignersync.status.FailureKind;
import com.alignersync.reconcile.Verifier;
import com.alignersync.reconcile.VerifyReport;
import com.alignersync.state.LastVerifyStore;
import io.javalin.http.Context;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/sync/verify[?repair=true][&limit=N]}: verify (and repair) inside the running
 * daemon, so a drifted note is repaired without stopping the sync: the repair goes through the
 * daemon's own sink, where the ledger still decides. Protected like the other operator routes.
 * 200 with the report when everything matches, 409 with it when drift remains (also when the
 * {@link DeleteGuard} refused the repair's deletes: the report's {@code repair.deleteGuard} says
 * why), 502 when the portal's REST API failed, 503 when SQL Server did. One verify at a time.
 */
public final class VerifyTrigger {

    public static final String PATH = "/api/sync/verify";

    private static final Logger log = LoggerFactory.getLogger(VerifyTrigger.class);

    private final Verifier verifier;
    private final LastVerifyStore lastVerify;
    private final RequestAuthenticator authenticator;

    public VerifyTrigger(Verifier verifier, LastVerifyStore lastVerify, RequestAuthenticator authenticator) {
        this.verifier = verifier;
        this.lastVerify = lastVerify;
        this.authenticator = authenticator;
    }

    public void registerOn(HttpServer server) {
        server.postProtected(PATH, authenticator, this::handle);
    }

    synchronized void handle(Context ctx) {
        boolean repair = "true".equalsIgnoreCase(ctx.queryParam("repair"));
        int limit;
        try {
            limit = ctx.queryParam("limit") == null ? 10 : Integer.parseInt(ctx.queryParam("limit"));
        } catch (NumberFormatException e) {
            JsonResponses.error(ctx, 400, "bad_request", "limit must be a number", "limit");
            return;
        }
        log.info("verify{} requested over HTTP", repair ? " --repair" : "");
        VerifyReport report;
        try {
            report = verifier.run(repair, Math.max(0, limit), Verifier.Progress.NONE);
        } catch (Verifier.VerifyException e) {
            JsonResponses.error(ctx, e.kind() == FailureKind.REST ? 502 : 503, "verify_failed", e.getMessage(), null);
            return;
        }
        try {
            lastVerify.save(report.summary());
        } catch (IOException e) {
            log.warn("verify: cannot write {}: {}", LastVerifyStore.FILE_NAME, e.getMessage());
        }
        JsonResponses.send(ctx, report.inSync() ? 200 : 409, report.toMap());
    }
}
