package com.alignersync.source.webhook;

import com.alignersync.config.ConfigKeys;
import com.alignersync.config.WebhookConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.http.HttpServer;
import com.alignersync.http.JsonResponses;
import com.alignersync.http.RequestBodies;
import com.alignersync.sink.EventOutcome;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.sink.SqlErrors;
import com.alignersync.sink.Sink;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code POST /api/sync/webhook}: Supabase Database Webhooks for aligner_notes and
 * aligner_batches. A request is authenticated, parsed by {@link WebhookPayloadParser} and
 * handed to the sink; the answer is 200 only after the sink committed, 503 when it could not
 * (pg_net never retries, but keeps the answer in {@code net._http_response}), 4xx with a JSON
 * error for what can never apply. One log line per request; never the secret or the row.
 */
public final class WebhookInput implements AutoCloseable {

    public static final String PATH = "/api/sync/webhook";

    private static final Logger log = LoggerFactory.getLogger(WebhookInput.class);

    private final WebhookConfig config;
    private final WebhookAuthenticator authenticator;
    private final WebhookPayloadParser parser = new WebhookPayloadParser();
    private final GroupCommit sink;
    private final WebhookStats stats;

    public WebhookInput(WebhookConfig config, Sink sink, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.authenticator = new WebhookAuthenticator(config, clock);
        this.sink = new GroupCommit(sink, config.sinkTimeout());
        List<String> warnings = warnings();
        warnings.forEach(warning -> log.warn("webhook: {}", warning));
        this.stats = new WebhookStats(registry, clock, config.enabled(), config.enabled() ? authenticator.describe() : "-", warnings);
    }

    /** Configuration risks, logged at start and shown in status for as long as the daemon runs. */
    private List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        authenticator.operator().misconfigured().ifPresent(reason -> warnings.add("the operator routes (POST /api/sync/poll,"
                + " /api/sync/reconcile, /api/sync/verify, /api/sync/dead-letters/replay, GET /api/sync/trace) refuse every request: "
                + reason));
        if (authenticator.operatorSharesTheWebhookSecret()) {
            // Logged, not a status warning: every installation from before the key would show degraded for a choice that works.
            log.warn("webhook: the operator routes take {}, the secret the Supabase webhooks hold: set {} to a secret of their own"
                    + " (docs/security.md)", ConfigKeys.WEBHOOK_SECRET.label(), ConfigKeys.HTTP_OPERATOR_SECRET.label());
        }
        if (!config.enabled()) {
            return warnings;
        }
        // A short secret is no warning here: WebhookConfig refuses it when the configuration is read.
        if (authenticator.isOpen()) {
            warnings.add("webhook.auth=none: unauthenticated webhooks are accepted; set WEBHOOK_SECRET and webhook.auth=bearer");
        }
        return warnings;
    }

    /** The authentication this endpoint applies, for other endpoints that must be protected alike. */
    public WebhookAuthenticator authenticator() {
        return authenticator;
    }

    /** What {@code GET /api/sync/status} shows under {@code webhook}. */
    public WebhookStats status() {
        return stats;
    }

    public void registerOn(HttpServer server) {
        if (!config.enabled()) {
            log.info("webhook: disabled (webhook.enabled=false); {} answers 404", PATH);
            server.post(PATH, ctx -> JsonResponses.error(ctx, 404, "webhook_disabled",
                    "the webhook input is disabled here (webhook.enabled=false)", null));
            return;
        }
        if (authenticator.isOpen()) {
            log.warn("webhook: webhook.auth=none: {} accepts UNAUTHENTICATED requests; anyone who can reach this port can"
                    + " write to SQL Server. Set WEBHOOK_SECRET and webhook.auth=bearer unless this network is closed", PATH);
        } else {
            log.info("webhook: accepting on {} (authentication: {}, body limit {} bytes)", PATH, authenticator.describe(), config.maxBodyBytes());
        }
        for (String warning : warnings()) {
            if (!authenticator.isOpen()) {
                log.warn("webhook: {}", warning);
            }
        }
        server.post(PATH, this::handle);
    }

    /** Stops the sink writer after applying what is queued; call after {@link HttpServer#stop()}. */
    @Override
    public void close() {
        sink.close();
    }

    /** Which table/type/key a request concerned, as far as it got, for the log line. */
    private static final class Seen {
        String table = "-";
        String type = "-";
        String key = "-";
    }

    void handle(Context ctx) {
        long started = System.nanoTime();
        Seen seen = new Seen();
        MDC.put("input", "webhook");
        try {
            // The secret first: an unauthenticated request costs no body read (a flood declares large bodies).
            Optional<String> refusedByHeaders = authenticator.rejectBeforeBody(ctx::header);
            if (refusedByHeaders.isPresent()) {
                ctx.header("WWW-Authenticate", "Bearer");
                ctx.header("Connection", "close");
                refuse(ctx, 401, "unauthorized", refusedByHeaders.get(), null, seen, started);
                return;
            }
            byte[] body;
            try {
                body = RequestBodies.read(ctx, config.maxBodyBytes());
            } catch (RequestBodies.TooLarge e) {
                refuse(ctx, 413, "payload_too_large", e.getMessage() + " (webhook.max-body-bytes)", null, seen, started);
                return;
            } catch (IOException e) {
                refuse(ctx, 400, "bad_request", "the body could not be read: " + e.getClass().getSimpleName(), null, seen, started);
                return;
            }
            Optional<String> unauthenticated = authenticator.rejectReason(ctx::header, body);
            if (unauthenticated.isPresent()) {
                ctx.header("WWW-Authenticate", "Bearer");
                refuse(ctx, 401, "unauthorized", unauthenticated.get(), null, seen, started);
                return;
            }
            if (!isJson(ctx.contentType())) {
                refuse(ctx, 415, "unsupported_media_type", "Content-Type must be application/json, got "
                        + (ctx.contentType() == null ? "none" : "'" + ctx.contentType().replaceAll("[^\\w/;=. +-]", "?") + "'"),
                        null, seen, started);
                return;
            }
            ParsedWebhook parsed;
            try {
                parsed = parser.parse(body);
            } catch (WebhookRejection e) {
                refuse(ctx, e.status(), e.error(), e.getMessage(), e.field(), seen, started);
                return;
            }
            ChangeEvent event = parsed.event();
            seen.table = event.table().tableName();
            seen.type = parsed.type();
            seen.key = Long.toString(event.key());
            if (parsed.ignored()) {
                deliver(ctx, parsed, "ignored", parsed.ignoredReason(), seen, started);
                return;
            }
            EventOutcome outcome;
            try {
                outcome = sink.apply(event);
            } catch (SinkUnavailableException e) {
                refuse(ctx, 503, "sink_unavailable", "SQL Server could not take the change, nothing was written: " + e.getMessage(),
                        null, seen, started);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                refuse(ctx, 503, "sink_unavailable", "interrupted while the sink was applying the change; it may or may not"
                        + " have committed (a redelivery is safe)", null, seen, started);
                return;
            } catch (RuntimeException e) {
                log.error("webhook: the sink failed unexpectedly on {}", event.describe(), e);
                refuse(ctx, 500, "internal_error", "the sink failed unexpectedly; see the daemon's log (a redelivery is safe)",
                        null, seen, started);
                return;
            }
            deliver(ctx, parsed, outcome.outcome().name().toLowerCase(Locale.ROOT), outcome.detail(), seen, started);
        } finally {
            MDC.remove("input");
        }
    }

    private void deliver(Context ctx, ParsedWebhook parsed, String result, String detail, Seen seen, long started) {
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("result", result);
        body.put("table", seen.table);
        body.put("type", seen.type);
        body.put("key", parsed.event().key());
        body.put("version", parsed.event().hasKnownVersion() ? parsed.event().version() : null);
        // pg_net keeps this answer in the portal database for hours: SQL Server's text (which
        // quotes the row) stays in the dead-letter file, the answer keeps its number and SQLState.
        body.put("detail", detail == null ? null : SqlErrors.withoutServerText(detail));
        JsonResponses.send(ctx, 200, body);
        stats.delivered(result, parsed.event().describe(), took);
        log.info("webhook: received table={} type={} key={} result={} status=200 ms={}",
                seen.table, seen.type, seen.key, result, took.toMillis());
    }

    private void refuse(Context ctx, int status, String error, String fullReason, String field, Seen seen, long started) {
        // Driver messages may append the SQL text on further lines: one line per request in the log.
        String reason = fullReason == null ? "" : fullReason.lines().findFirst().orElse("").strip();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        JsonResponses.error(ctx, status, error, reason, field);
        stats.refused(error, status, field == null ? reason : field + ": " + reason, took);
        log.warn("webhook: received table={} type={} key={} result={} status={} ms={} reason={}{}",
                seen.table, seen.type, seen.key, error, status, took.toMillis(), field == null ? "" : field + ": ", reason);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json");
    }
}
