package com.alignersync.config;

import java.time.Duration;

/**
 * The one retry delay: capped exponential, {@code initial * 2^(attempt-1)}, at most {@code max}.
 * The sink waits by it between attempts at a batch ({@code sink.retry.*}), the CDC input before
 * it restarts its engine or offers a batch SQL Server did not take again ({@code cdc.restart-backoff-*}).
 */
public record Backoff(Duration initial, Duration max) {

    /** @param attempt the attempt that just failed, from 1 */
    public Duration delay(int attempt) {
        long millis = initial.toMillis();
        for (int i = 1; i < attempt && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
