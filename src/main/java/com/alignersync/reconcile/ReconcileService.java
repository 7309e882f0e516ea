package com.alignersync.reconcile;

import com.alignersync.status.FailureKind;
import com.alignersync.config.ReconcileConfig;
import com.alignersync.status.StatusSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconcile inside the daemon: every pass (scheduled, after a replication gap, on demand) runs
 * on one thread, so two never overlap; publishes the {@code reconcile} status and counts deletes
 * in {@code aligner_sync_reconcile_deleted} and the passes the delete guard stopped in
 * {@code aligner_sync_reconcile_guard_refusals} (the alert rules watch it).
 */
public final class ReconcileService implements StatusSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReconcileService.class);

    public static final String GUARD_REFUSALS = "aligner_sync_reconcile_guard_refusals";

    private final Reconciler reconciler;
    private final ReconcileConfig config;
    private final Clock clock;
    private final Counter deleted;
    private final Counter guardRefusals;
    private final ScheduledExecutorService executor;
    private volatile ReconcileResult lastResult;
    private volatile Instant nextRun;

    public ReconcileService(Reconciler reconciler, ReconcileConfig config, MeterRegistry registry, Clock clock) {
        this.reconciler = reconciler;
        this.config = config;
        this.clock = clock;
        this.deleted = Counter.builder("aligner_sync_reconcile_deleted")
                .description("Doctor notes deleted by reconcile because the portal no longer has them")
                .register(registry);
        this.guardRefusals = Counter.builder(GUARD_REFUSALS)
                .description("Reconcile passes the delete guard stopped: the portal's listing was empty or far smaller than the ledger"
                        + " (row-level security, a wrong key or project); nothing was deleted")
                .register(registry);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "reconcile");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the schedule (first pass one interval from now: gaps at start are handled by {@link #runSoon}). */
    public void start() {
        if (!config.scheduled()) {
            log.info("reconcile: no schedule (reconcile.interval-hours=0); runs after a replication gap and on demand");
            return;
        }
        long every = config.interval().toMillis();
        nextRun = clock.instant().plus(config.interval());
        executor.scheduleWithFixedDelay(() -> {
            try {
                record(reconciler.run(false, "schedule"));
            } catch (RuntimeException e) {
                // A thrown exception would end the schedule for good.
                log.error("reconcile: unexpected failure, retrying at the next interval", e);
            } finally {
                nextRun = clock.instant().plus(config.interval());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        log.info("reconcile: scheduled every {} hours", config.interval().toHours());
    }

    /** Runs a pass now on the reconcile thread (after one in progress) and returns its result. */
    public ReconcileResult runNow(boolean dryRun, String trigger) throws InterruptedException {
        Future<ReconcileResult> future = executor.submit(() -> record(reconciler.run(dryRun, trigger)));
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("reconcile failed unexpectedly: " + e.getCause(), e.getCause());
        }
    }

    /** Queues a pass and returns at once (the slot alarm and the start-up gap ask from threads that must not wait). */
    public void runSoon(String trigger) {
        executor.execute(() -> {
            try {
                record(reconciler.run(false, trigger));
            } catch (RuntimeException e) {
                log.error("reconcile ({}): unexpected failure", trigger, e);
            }
        });
    }

    private ReconcileResult record(ReconcileResult result) {
        if (!result.dryRun()) {
            lastResult = result;
            deleted.increment(result.deleted());
            if (!result.ok() && result.error().kind() == FailureKind.GUARD) {
                guardRefusals.increment();
            }
        }
        return result;
    }

    public ReconcileResult lastResult() {
        return lastResult;
    }

    @Override
    public String statusName() {
        return "reconcile";
    }

    @Override
    public Map<String, Object> statusSnapshot() {
        Map<String, Object> status = new LinkedHashMap<>();
        ReconcileResult last = lastResult;
        status.put("state", executor.isShutdown() ? "stopped" : config.scheduled() ? "scheduled" : "on demand");
        status.put("intervalHours", config.scheduled() ? config.interval().toHours() : 0);
        status.put("nextRun", nextRun == null ? null : nextRun.toString());
        status.put("deletedSinceStart", (long) deleted.count());
        status.put("guardRefusalsSinceStart", (long) guardRefusals.count());
        status.put("lastResult", last == null ? null : last.toMap());
        if (last != null && !last.ok()) {
            status.put("warnings", java.util.List.of("the last reconcile (" + last.trigger() + ", " + last.startedAt() + ") failed: "
                    + last.error().message()));
        }
        return status;
    }

    /** Lets a pass in progress finish its batch (each batch commits on its own), then stops. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        nextRun = null;
    }
}
