package com.alignersync.sink;

import com.alignersync.event.Input;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The sink's counters per input and outcome ({@code aligner_sync_events_total}), conflicts
 * and batch timings, kept in Micrometer so /metrics and status read the same numbers.
 */
public final class SinkMetrics {

    private final Map<Input, Map<Outcome, Counter>> events = new EnumMap<>(Input.class);
    private final Counter conflicts;
    private final Timer batches;
    private final Counter failedBatches;
    private final Counter breakerStops;
    private final MeterRegistry registry;
    // Micrometer holds a gauge's object weakly: this field keeps the probe alive as long as the metrics.
    private SinkAvailability availability;
    private volatile String lastTieBreak;

    public SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Input input : Input.values()) {
            Map<Outcome, Counter> perOutcome = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                perOutcome.put(outcome, Counter.builder("aligner_sync_events")
                        .description("Change events decided by the sink")
                        .tag("input", input.name().toLowerCase())
                        .tag("outcome", outcome.name().toLowerCase())
                        .register(registry));
            }
            events.put(input, perOutcome);
        }
        conflicts = Counter.builder("aligner_sync_conflicts").description("Equal-version copies with different content").register(registry);
        batches = Timer.builder("aligner_sync_sink_batches").description("Committed sink transactions").register(registry);
        failedBatches = Counter.builder("aligner_sync_sink_failed_batches").description("Batches not committed (sink unavailable)").register(registry);
        breakerStops = Counter.builder("aligner_sync_sink_pingpong_stops").description("Copies parked because the ping-pong breaker"
                + " stopped their key (docs/two-way.md)").register(registry);
    }

    /**
     * {@code aligner_sync_sink_available}: 1 while SQL Server answers the readiness probe, 0 when
     * it does not; probed in the background at most every 5 seconds of scraping.
     */
    void watchAvailability(BooleanSupplier probe) {
        availability = new SinkAvailability(probe, TimeUnit.SECONDS.toNanos(5));
        Gauge.builder("aligner_sync_sink_available", availability, SinkAvailability::value)
                .description("1 when SQL Server and the ledger answer, 0 when not (NaN before the first probe)")
                .register(registry);
    }

    void recordCommitted(BatchResult result, Duration took) {
        for (EventOutcome outcome : result.outcomes()) {
            events.get(outcome.event().input()).get(outcome.outcome()).increment();
        }
        conflicts.increment(result.conflicts());
        batches.record(took);
    }

    /** An equal-version conflict settled by a tie-break (LSN or content hash); status warns with the last one. */
    void recordTieBreak(String description) {
        lastTieBreak = description;
    }

    /** The last tie-break since start, value-free; null when none. */
    public String lastTieBreak() {
        return lastTieBreak;
    }

    void recordBreakerStop() {
        breakerStops.increment();
    }

    public long breakerStops() {
        return (long) breakerStops.count();
    }

    void recordFailedBatch() {
        failedBatches.increment();
    }

    /** Events of one input with one outcome since start. */
    public long count(Input input, Outcome outcome) {
        return (long) events.get(input).get(outcome).count();
    }

    public long conflicts() {
        return (long) conflicts.count();
    }

    public long failedBatches() {
        return (long) failedBatches.count();
    }
}
