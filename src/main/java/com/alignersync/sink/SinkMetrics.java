package com.alignersync.sink;

import com.alignersync.event.Input;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The sink's counters per input and outcome ({@code aligner_sync_events_total}), conflicts
 * and batch timings, kept in Micrometer so /metrics and status read the same numbers.
 */
public final class SinkMetrics {

    private final Map<Input, Map<Outcome, Counter>> events = new EnumMap<>(Input.class);
    private final Counter conflicts;
    private final Timer batches;
    private final Counter failedBatches;
    private volatile String lastTieBreak;

    public SinkMetrics(MeterRegistry registry) {
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
