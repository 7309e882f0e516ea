package com.alignersync.sink;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Whether SQL Server answers, for the {@code aligner_sync_sink_available} gauge. A metrics
 * scrape must never wait for SQL Server: a login hanging until its timeout would fail the
 * scrape and page "daemon down" for what is a sink problem. So a scrape reads the last verdict
 * and, when it is older than {@code maxAgeNanos}, starts one probe in the background.
 */
final class SinkAvailability {

    private final BooleanSupplier probe;
    private final long maxAgeNanos;
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile double value = Double.NaN;
    private volatile long checkedAt;

    SinkAvailability(BooleanSupplier probe, long maxAgeNanos) {
        this.probe = probe;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** 1 reachable, 0 not, NaN before the first probe finished. */
    double value() {
        boolean stale = Double.isNaN(value) || System.nanoTime() - checkedAt > maxAgeNanos;
        if (stale && probing.compareAndSet(false, true)) {
            Thread thread = new Thread(this::probeNow, "sink-availability-probe");
            thread.setDaemon(true);
            thread.start();
        }
        return value;
    }

    private void probeNow() {
        try {
            value = probe.getAsBoolean() ? 1 : 0;
        } catch (RuntimeException e) {
            value = 0;
        } finally {
            checkedAt = System.nanoTime();
            probing.set(false);
        }
    }
}
