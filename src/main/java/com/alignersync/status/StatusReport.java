package com.alignersync.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole status view: a summary (overall state, readiness, every warning any part
 * raised) followed by each part's snapshot under its {@link StatusSource#statusName()}.
 * A part publishes warnings as a {@code warnings} list of strings in its snapshot.
 *
 * <p>Two views of it: the detail, for an authenticated operator, and a public summary with
 * only states and figures (no host, path, key, reason or warning text), for whoever reaches
 * the ops listener without the operator secret.
 */
public final class StatusReport {

    private static final java.util.regex.Pattern STATE_WORD = java.util.regex.Pattern.compile("[a-z][a-z_ -]{0,39}");

    private final List<StatusSource> sources;
    private final ReadinessCheck readiness;
    private final Clock clock;
    private final Instant started;

    public StatusReport(List<StatusSource> sources, ReadinessCheck readiness, Clock clock) {
        this.sources = List.copyOf(sources);
        this.readiness = readiness;
        this.clock = clock;
        this.started = clock.instant();
    }

    /** What anyone reaching the ops listener may see: each part's state word, the overall state and freshness. */
    public Map<String, Object> publicSummary() {
        Map<String, Object> full = snapshot();
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        if (full.get("summary") instanceof Map<?, ?> detail) {
            for (String field : List.of("freshnessSeconds", "state", "ready", "time", "uptimeSeconds")) {
                if (detail.containsKey(field)) {
                    summary.put(field, detail.get(field));
                }
            }
            summary.put("warnings", detail.get("warnings") instanceof List<?> list ? list.size() : 0);
        }
        out.put("summary", summary);
        for (Map.Entry<String, Object> part : full.entrySet()) {
            // A state is a word ("streaming", "drift"); anything else (a part that put text there) is left out.
            if (!part.getKey().equals("summary") && part.getValue() instanceof Map<?, ?> snapshot && snapshot.get("state") instanceof String state
                    && STATE_WORD.matcher(state).matches()) {
                out.put(part.getKey(), Map.of("state", state));
            }
        }
        out.put("detail", false);
        return out;
    }

    /** Everything, for an operator who sent the operator secret. */
    public Map<String, Object> detail() {
        Map<String, Object> out = snapshot();
        out.put("detail", true);
        return out;
    }

    public Map<String, Object> snapshot() {
        Map<String, Object> parts = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (StatusSource source : sources) {
            Map<String, Object> snapshot;
            try {
                snapshot = source.statusSnapshot();
            } catch (RuntimeException e) {
                snapshot = Map.of("state", "unknown", "error", "status not available: " + e.getClass().getSimpleName());
            }
            parts.put(source.statusName(), snapshot);
            if (snapshot.get("warnings") instanceof List<?> list) {
                list.forEach(w -> warnings.add(source.statusName() + ": " + w));
            }
        }
        String notReady = readiness.notReadyReason().orElse(null);
        Map<String, Object> summary = new LinkedHashMap<>();
        // The first figure an operator reads: how far behind the portal SQL Server is, at most.
        sources.stream().filter(Freshness.class::isInstance).map(Freshness.class::cast).findFirst()
                .ifPresent(freshness -> summary.put("freshnessSeconds", freshness.seconds().orElse(null)));
        summary.put("state", notReady != null ? "not_ready" : warnings.isEmpty() ? "ok" : "degraded");
        summary.put("ready", notReady == null);
        if (notReady != null) {
            summary.put("notReadyReason", notReady);
        }
        summary.put("time", clock.instant().toString());
        summary.put("uptimeSeconds", Duration.between(started, clock.instant()).toSeconds());
        summary.put("warnings", warnings);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("summary", summary);
        out.putAll(parts);
        return out;
    }
}
