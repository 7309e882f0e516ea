package com.alignersync.config;

import java.time.Duration;

/**
 * When reconcile runs on its own, and its guard against mass deletes. Where the portal is
 * (URL, key, timeout, page size) comes from {@link PollConfig}: reconcile reads PostgREST
 * exactly as the poller does.
 *
 * @param interval null when the schedule is off ({@code reconcile.interval-hours=0})
 */
public record ReconcileConfig(Duration interval, int maxDeletePercent) {

    public static ReconcileConfig from(ConfigReader reader) {
        int hours = reader.intInRange(ConfigKeys.RECONCILE_INTERVAL_HOURS, 0, 24 * 366);
        return new ReconcileConfig(hours == 0 ? null : Duration.ofHours(hours),
                reader.intInRange(ConfigKeys.RECONCILE_MAX_DELETE_PERCENT, 0, 100));
    }

    public static ReconcileConfig defaults() {
        return new ReconcileConfig(Duration.ofHours(24), 10);
    }

    public boolean scheduled() {
        return interval != null;
    }
}
