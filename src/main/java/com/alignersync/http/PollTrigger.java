package com.alignersync.http;

import com.alignersync.status.FailureKind;
import com.alignersync.source.poll.PollInput;
import com.alignersync.source.poll.PollSummary;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/sync/poll[?dry_run=true]}: runs a poll now (after one in progress) and
 * answers its summary. Protected by the bearer secret only (the daemon passes
 * {@code WebhookAuthenticator.operator()}), since it makes the daemon write to SQL Server: a
 * webhook signature does not cover the path, so it is not accepted here. 200 when the poll completed, 502 when the REST API failed, 503 when the sink did
 * (the cursor stays where it was in both cases).
 */
public final class PollTrigger {

    public static final String PATH = "/api/sync/poll";

    private static final Logger log = LoggerFactory.getLogger(PollTrigger.class);

    private final PollInput poll;
    private final RequestAuthenticator authenticator;

    public PollTrigger(PollInput poll, RequestAuthenticator authenticator) {
        this.poll = poll;
        this.authenticator = authenticator;
    }

    public void registerOn(HttpServer server) {
        server.postProtected(PATH, authenticator, this::handle);
    }

    void handle(Context ctx) throws InterruptedException {
        boolean dryRun = "true".equalsIgnoreCase(ctx.queryParam("dry_run"));
        log.info("poll: {} requested over HTTP", dryRun ? "dry run" : "poll");
        PollSummary summary = dryRun ? poll.dryRun() : poll.pollNow();
        int status = summary.ok() ? 200 : summary.error().kind() == FailureKind.REST ? 502 : 503;
        JsonResponses.send(ctx, status, summary.toMap());
    }
}
