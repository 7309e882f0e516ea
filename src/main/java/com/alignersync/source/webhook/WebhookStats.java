package com.alignersync.source.webhook;

import com.alignersync.status.StatusSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the webhook input publishes: requests by result ({@code aligner_sync_webhook_requests},
 * also on /metrics), their duration, the last event and the last refusal, under {@code webhook}
 * in {@code GET /api/sync/status}.
 */
public final class WebhookStats implements StatusSource {

    /** Results of a delivered change (200) and of a refused request (4xx/5xx), as the JSON answers name them. */
    static final List<String> RESULTS = List.of("applied", "unchanged", "duplicate", "stale", "conflict", "superseded", "ignored",
            "dead_letter", "unauthorized", "bad_request", "unprocessable", "payload_too_large", "unsupported_media_type",
            "sink_unavailable", "internal_error");

    private record Last(Instant at, String what) {
    }

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Timer duration;
    private final Clock clock;
    private final boolean enabled;
    private final String authentication;
    private final List<String> warnings;
    private volatile Last lastEvent;
    private volatile Last lastRefusal;

    /** @param warnings configuration risks to show in status for as long as the daemon runs */
    public WebhookStats(MeterRegistry registry, Clock clock, boolean enabled, String authentication, List<String> warnings) {
        this.registry = registry;
        this.clock = clock;
        this.enabled = enabled;
        this.authentication = authentication;
        this.warnings = List.copyOf(warnings);
        for (String result : RESULTS) {
            counter(result);
        }
        this.duration = Timer.builder("aligner_sync_webhook_request_duration")
                .description("Time from a webhook request's arrival to its answer (sink commit included)")
                .publishPercentileHistogram()
                .register(registry);
    }

    private Counter counter(String result) {
        return counters.computeIfAbsent(result, r -> Counter.builder("aligner_sync_webhook_requests")
                .description("Webhook requests by result")
                .tag("result", r)
                .register(registry));
    }

    void delivered(String result, String describedEvent, Duration took) {
        counter(result).increment();
        duration.record(took);
        lastEvent = new Last(clock.instant(), describedEvent + " -> " + result);
    }

    void refused(String error, int status, String reason, Duration took) {
        counter(error).increment();
        duration.record(took);
        lastRefusal = new Last(clock.instant(), status + " " + error + ": " + reason);
    }

    public long count(String result) {
        Counter counter = counters.get(result);
        return counter == null ? 0 : (long) counter.count();
    }

    @Override
    public String statusName() {
        return "webhook";
    }

    @Override
    public Map<String, Object> statusSnapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", enabled ? "accepting" : "disabled");
        out.put("authentication", authentication);
        Last event = lastEvent;
        out.put("lastEventAt", event == null ? null : event.at().toString());
        out.put("lastEvent", event == null ? null : event.what());
        Map<String, Object> counts = new LinkedHashMap<>();
        long failed = 0;
        for (String result : RESULTS) {
            long n = count(result);
            counts.put(result, n);
            if (RESULTS.indexOf(result) >= RESULTS.indexOf("unauthorized")) {
                failed += n;
            }
        }
        counts.put("failed", failed);
        out.put("counts", counts);
        Last refusal = lastRefusal;
        out.put("lastRefusalAt", refusal == null ? null : refusal.at().toString());
        out.put("lastRefusal", refusal == null ? null : refusal.what());
        if (!warnings.isEmpty()) {
            out.put("warnings", warnings);
        }
        return out;
    }
}
