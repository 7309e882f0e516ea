package com.alignersync.ops;

import com.alignersync.status.StatusSource;
import com.alignersync.event.Input;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The last hour, minute by minute: events applied per input and the CDC slot's retained WAL.
 * Kept in memory (at most 60 small buckets) and published as {@code history} in the status
 * JSON, so the console draws its chart from the one status document everything else reads.
 * Lost on restart by design: {@code /metrics} is the long-term record.
 *
 * <p>It only reads counters and the CDC snapshot; it never drives an input.
 */
public final class StatusHistory implements StatusSource, AutoCloseable {

    static final int MINUTES = 60;
    /** Often enough that each minute gets its own events even when nobody asks for the status. */
    static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);

    private static final class Bucket {
        final long[] applied = new long[Input.values().length];
        Long maxLagBytes;
    }

    private final ToLongFunction<Input> appliedSoFar;
    private final Supplier<Long> cdcLagBytes;
    private final Clock clock;
    private final TreeMap<Instant, Bucket> buckets = new TreeMap<>();
    private final long[] lastCumulative = new long[Input.values().length];
    private final Instant started;
    private ScheduledExecutorService sampler;

    /**
     * @param appliedSoFar events applied by an input since start (the sink's counter)
     * @param cdcLagBytes  the slot's retained WAL now, null when unknown or CDC is off
     */
    public StatusHistory(ToLongFunction<Input> appliedSoFar, Supplier<Long> cdcLagBytes, Clock clock) {
        this.appliedSoFar = appliedSoFar;
        this.cdcLagBytes = cdcLagBytes;
        this.clock = clock;
        this.started = minuteOf(clock.instant());
        for (Input input : Input.values()) {
            lastCumulative[input.ordinal()] = appliedSoFar.applyAsLong(input);
        }
    }

    /** Samples every {@link #SAMPLE_EVERY} on a daemon thread until {@link #close()}. */
    public synchronized StatusHistory start() {
        if (sampler == null) {
            sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "status-history");
                thread.setDaemon(true);
                return thread;
            });
            sampler.scheduleWithFixedDelay(this::sampleQuietly, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    @Override
    public synchronized void close() {
        if (sampler != null) {
            sampler.shutdownNow();
            sampler = null;
        }
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            // A failed reading leaves a gap in the chart; it must not end the schedule.
        }
    }

    /** Adds what was applied since the last sample to the current minute, and the lag seen now. */
    synchronized void sample() {
        Instant minute = minuteOf(clock.instant());
        Bucket bucket = buckets.computeIfAbsent(minute, m -> new Bucket());
        for (Input input : Input.values()) {
            long now = appliedSoFar.applyAsLong(input);
            bucket.applied[input.ordinal()] += Math.max(0, now - lastCumulative[input.ordinal()]);
            lastCumulative[input.ordinal()] = now;
        }
        Long lag = cdcLagBytes.get();
        if (lag != null) {
            // The worst of the minute: a spike between two samples of the same minute must still show.
            bucket.maxLagBytes = bucket.maxLagBytes == null ? lag : Math.max(bucket.maxLagBytes, lag);
        }
        buckets.headMap(minute.minus(MINUTES - 1, ChronoUnit.MINUTES)).clear();
    }

    @Override
    public String statusName() {
        return "history";
    }

    /** Every minute of the last hour since the start, oldest first, zero-filled where nothing happened. */
    @Override
    public synchronized Map<String, Object> statusSnapshot() {
        sample();
        Instant now = minuteOf(clock.instant());
        Instant first = now.minus(MINUTES - 1, ChronoUnit.MINUTES);
        if (first.isBefore(started)) {
            first = started;
        }
        List<Map<String, Object>> minutes = new ArrayList<>();
        for (Instant minute = first; !minute.isAfter(now); minute = minute.plus(1, ChronoUnit.MINUTES)) {
            Bucket bucket = buckets.get(minute);
            Map<String, Object> applied = new LinkedHashMap<>();
            for (Input input : Input.values()) {
                applied.put(input.name().toLowerCase(Locale.ROOT), bucket == null ? 0L : bucket.applied[input.ordinal()]);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("minute", minute.toString());
            row.put("applied", applied);
            row.put("cdcLagBytes", bucket == null ? null : bucket.maxLagBytes);
            minutes.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resolution", "minute");
        out.put("minutes", minutes);
        return out;
    }

    private static Instant minuteOf(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MINUTES);
    }
}
