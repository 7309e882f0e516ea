package com.alignersync.source.poll;

import com.alignersync.status.StatusSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll input's schedule: one poll at start-up and then every {@code poll.interval-minutes},
 * plus polls on demand ({@code POST /api/sync/poll}), all on one thread so two never overlap.
 * Publishes cursors, the last result and the next run as the {@code poll} status.
 */
public final class PollInput implements StatusSource {

    private static final Logger log = LoggerFactory.getLogger(PollInput.class);

    private final Poller poller;
    private final Duration interval;
    private final Clock clock;
    private ScheduledExecutorService executor;
    private volatile PollSummary lastResult;
    private volatile Instant lastSuccessStartedAt;
    private volatile Instant nextRun;
    // Set by registerMetrics; a PollInput without metrics (the poll command) counts nothing.
    private volatile MeterRegistry registry;

    public PollInput(Poller poller, Duration interval, Clock clock) {
        this.poller = poller;
        this.interval = interval;
        this.clock = clock;
    }

    /**
     * {@code aligner_sync_poll_*}: when the last poll succeeded (seconds since the epoch, from
     * {@code data/reverse-sync-state.json}, so it survives restarts; 0 when none ever did) and
     * the interval, so an alert can say "no success for two intervals" without repeating the
     * configuration; plus a count of finished polls by result.
     */
    public void registerMetrics(MeterRegistry registry) {
        Gauge.builder("aligner_sync_poll_last_success_timestamp_seconds", poller,
                        p -> p.lastPollTime() == null ? 0 : p.lastPollTime().toEpochMilli() / 1000.0)
                .description("When the last poll completed without error, in seconds since the epoch (0: never)")
                .register(registry);
        Gauge.builder("aligner_sync_poll_interval_seconds", this, p -> p.interval.toSeconds())
                .description("Configured time between scheduled polls (poll.interval-minutes), in seconds")
                .register(registry);
        this.registry = registry;
        for (String result : List.of("ok", "failed")) {
            Counter.builder("aligner_sync_poll_runs").description("Finished polls (dry runs excluded) by result")
                    .tag("result", result).register(registry);
        }
    }

    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "poll");
            thread.setDaemon(true);
            return thread;
        });
        nextRun = clock.instant();
        // Fixed delay, not rate: a poll that runs long (a catch-up) pushes the next one back instead of queueing it.
        executor.scheduleWithFixedDelay(this::scheduledPoll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("poll input started: a poll now and every {} minutes", interval.toMinutes());
    }

    /** Runs a poll now on the poll thread (after any poll in progress) and returns its summary. */
    public PollSummary pollNow() throws InterruptedException {
        return onPollThread(poller::poll);
    }

    /** What a poll would apply now; writes nothing, moves no cursor. */
    public PollSummary dryRun() throws InterruptedException {
        return onPollThread(poller::dryRun);
    }

    private PollSummary onPollThread(java.util.function.Supplier<PollSummary> task) throws InterruptedException {
        ScheduledExecutorService current;
        synchronized (this) {
            current = executor;
        }
        if (current == null) {
            return record(task.get());
        }
        Future<PollSummary> future = current.submit(() -> record(task.get()));
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("poll failed unexpectedly: " + e.getCause(), e.getCause());
        }
    }

    private void scheduledPoll() {
        try {
            record(poller.poll());
        } catch (RuntimeException e) {
            // An unexpected failure must not cancel the schedule (a thrown exception would end it for good).
            log.error("poll: unexpected failure, retrying at the next interval", e);
        } finally {
            nextRun = clock.instant().plus(interval);
        }
    }

    private PollSummary record(PollSummary summary) {
        if (!summary.dryRun()) {
            lastResult = summary;
            if (summary.ok()) {
                lastSuccessStartedAt = summary.startedAt();
            }
            MeterRegistry metrics = registry;
            if (metrics != null) {
                metrics.counter("aligner_sync_poll_runs", "result", summary.ok() ? "ok" : "failed").increment();
            }
        }
        return summary;
    }

    public synchronized void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            // A poll in progress finishes its page: the cursor only ever moves after a commit, so waiting is safe but not required.
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        executor = null;
        nextRun = null;
        log.info("poll input stopped");
    }

    /**
     * Every portal change committed before this instant is in SQL Server, as far as this input
     * knows (freshness): the start of the last successful poll, which read every row changed
     * since its cursor. Empty before the first successful poll.
     */
    public Optional<Instant> committedUpTo() {
        return Optional.ofNullable(lastSuccessStartedAt);
    }

    /** When the next scheduled poll runs; empty when the schedule is stopped. */
    public Optional<Instant> nextRun() {
        return Optional.ofNullable(nextRun);
    }

    public PollSummary lastResult() {
        return lastResult;
    }

    @Override
    public String statusName() {
        return "poll";
    }

    @Override
    public Map<String, Object> statusSnapshot() {
        Map<String, Object> status = new LinkedHashMap<>();
        boolean scheduled;
        synchronized (this) {
            scheduled = executor != null;
        }
        status.put("state", scheduled ? "scheduled" : "stopped");
        status.put("intervalMinutes", interval.toMinutes());
        status.put("nextRun", nextRun == null ? null : nextRun.toString());
        status.put("notesCursor", poller.notesCursorMode());
        Map<String, Object> cursors = new LinkedHashMap<>();
        poller.cursors().forEach((name, cursor) -> cursors.put(name, cursor.toMap()));
        status.put("cursors", cursors);
        status.put("stateFile", poller.store().file().toString());
        Instant lastPoll = poller.lastPollTime();
        status.put("lastSuccessfulPoll", lastPoll == null ? null : lastPoll.toString());
        PollSummary last = lastResult;
        status.put("lastResult", last == null ? null : last.toMap());
        status.put("lastError", last == null || last.ok() ? null : last.error().toMap());
        String future = poller.futureRowsWarning();
        if (future != null) {
            status.put("warnings", java.util.List.of(future));
        }
        return status;
    }
}
