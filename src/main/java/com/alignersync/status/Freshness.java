package com.alignersync.status;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How far behind the portal SQL Server is, at most: the age of the oldest portal change that is
 * not known to be in SQL Server yet. Each complete input (CDC: every change in commit order; the
 * poller: every row that exists) tells up to when everything is in SQL Server: CDC the portal
 * commit time of the newest change or heartbeat whose batch committed (so a stuck sink shows),
 * the poller the start of its last successful poll. A change is in SQL Server as soon as one
 * input carried it, so the figure is the best of the inputs that are on, not the worst (the
 * hourly poll would otherwise hide a healthy CDC behind up to an hour). Webhooks are not
 * counted: pg_net drops what it cannot deliver, so a webhook says nothing about the others.
 */
public final class Freshness implements StatusSource {

    /** One input that can tell up to when everything is in SQL Server. */
    public record Input(String name, Supplier<Optional<Instant>> committedUpTo) {
    }

    private final List<Input> inputs;
    private final Clock clock;

    public Freshness(List<Input> inputs, Clock clock) {
        this.inputs = List.copyOf(inputs);
        this.clock = clock;
    }

    /** Seconds, or empty while no input can tell yet (just started, nothing delivered). */
    public Optional<Double> seconds() {
        Instant now = clock.instant();
        return inputs.stream().map(i -> i.committedUpTo().get()).flatMap(Optional::stream)
                .map(upTo -> Math.max(0, Duration.between(upTo, now).toMillis()) / 1000.0)
                .min(Double::compare);
    }

    public Freshness registerMetrics(MeterRegistry registry) {
        Gauge.builder("aligner_sync_freshness_seconds", this, f -> f.seconds().orElse(Double.NaN))
                .description("At most how far SQL Server is behind the portal: the age of the oldest portal change not known to be"
                        + " in SQL Server (the best of CDC and the poller; NaN until one of them can tell)")
                .register(registry);
        return this;
    }

    @Override
    public String statusName() {
        return "freshness";
    }

    @Override
    public Map<String, Object> statusSnapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seconds", seconds().orElse(null));
        Instant now = clock.instant();
        Map<String, Object> perInput = new LinkedHashMap<>();
        for (Input input : inputs) {
            Optional<Instant> upTo = input.committedUpTo().get();
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("committedUpTo", upTo.map(Instant::toString).orElse(null));
            part.put("seconds", upTo.map(t -> Math.max(0, Duration.between(t, now).toMillis()) / 1000.0).orElse(null));
            perInput.put(input.name(), part);
        }
        out.put("inputs", perInput);
        return out;
    }
}
