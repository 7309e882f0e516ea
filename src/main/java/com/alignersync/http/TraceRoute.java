package com.alignersync.http;

import com.alignersync.trace.Trace;
import com.alignersync.trace.Tracer;
import com.alignersync.event.SourceTable;
import io.javalin.http.Context;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/sync/trace?table=batches&key=4}: {@code trace} inside the running daemon, with
 * the inputs' live positions. Behind the operator secret: a trace names keys and shows values
 * (a batch's days, a note's read flag). 200 with the trace, 400 for a bad table or key, 503 when
 * the portal or SQL Server cannot be read.
 */
public final class TraceRoute {

    public static final String PATH = "/api/sync/trace";

    private static final Logger log = LoggerFactory.getLogger(TraceRoute.class);

    private final Tracer tracer;
    private final Supplier<Trace.Delivery> delivery;
    private final RequestAuthenticator authenticator;

    public TraceRoute(Tracer tracer, Supplier<Trace.Delivery> delivery, RequestAuthenticator authenticator) {
        this.tracer = tracer;
        this.delivery = delivery;
        this.authenticator = authenticator;
    }

    public void registerOn(HttpServer server) {
        server.getProtected(PATH, authenticator, this::handle);
    }

    void handle(Context ctx) {
        String tableName = ctx.queryParam("table");
        SourceTable table = tableName == null ? null : SourceTable.byAlias(tableName).orElse(null);
        long key;
        try {
            key = Long.parseLong(String.valueOf(ctx.queryParam("key")));
        } catch (NumberFormatException e) {
            JsonResponses.error(ctx, 400, "bad_request", "key must be a note_id or aligner_batch_id (an integer)", "key");
            return;
        }
        if (table == null) {
            JsonResponses.error(ctx, 400, "bad_request", "table must be notes or batches", "table");
            return;
        }
        try {
            JsonResponses.send(ctx, 200, tracer.trace(table, key, delivery.get(), 50).toMap());
        } catch (Exception e) {
            log.warn("trace {}#{} failed: {}", table.tableName(), key, e.toString());
            JsonResponses.error(ctx, 503, "unavailable", "the trace could not read the portal or SQL Server: " + e.getClass().getSimpleName(), null);
        }
    }
}
