package com.alignersync.http;

import com.alignersync.sink.DeadLetterReplay;
import com.alignersync.sink.SinkUnavailableException;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/sync/dead-letters/replay}: the console's replay button. Sends the parked
 * changes through the sink again by the same path as {@code dead-letters replay} (the ledger
 * still decides), and is protected exactly like the manual poll trigger, since it makes the
 * daemon write to SQL Server. 200 with what happened, 401 without the secret, 503 when the
 * sink is unavailable (nothing changed then).
 */
public final class DeadLetterReplayRoute {

    public static final String PATH = "/api/sync/dead-letters/replay";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterReplayRoute.class);

    private final DeadLetterReplay replay;
    private final RequestAuthenticator authenticator;

    public DeadLetterReplayRoute(DeadLetterReplay replay, RequestAuthenticator authenticator) {
        this.replay = replay;
        this.authenticator = authenticator;
    }

    public void registerOn(HttpServer server) {
        server.postProtected(PATH, authenticator, this::handle);
    }

    void handle(Context ctx) {
        log.info("dead letters: replay requested over HTTP");
        try {
            DeadLetterReplay.Result result = replay.replay();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("resolved", result.resolved());
            body.put("stillParked", result.stillParked());
            body.put("notReplayable", result.notReplayable());
            Map<String, Object> outcomes = new LinkedHashMap<>();
            result.batch().counts().forEach((outcome, n) -> outcomes.put(outcome.name().toLowerCase(Locale.ROOT), n));
            body.put("outcomes", outcomes);
            JsonResponses.send(ctx, 200, body);
        } catch (SinkUnavailableException e) {
            JsonResponses.error(ctx, 503, "sink_unavailable", "replay failed, nothing changed: " + e.getMessage(), null);
        }
    }
}
