package com.alignersync.config;

/**
 * The decision journal behind {@code trace} (trace.DecisionJournal): how many days it keeps and
 * how large a day's file may grow.
 */
public record TraceConfig(boolean enabled, int retentionDays, long maxBytesPerDay) {

    public static TraceConfig from(ConfigReader reader) {
        return new TraceConfig(
                reader.bool(ConfigKeys.TRACE_ENABLED),
                reader.intInRange(ConfigKeys.TRACE_RETENTION_DAYS, 1, 366),
                reader.intInRange(ConfigKeys.TRACE_MAX_MB_PER_DAY, 1, 10_240) * 1024L * 1024L);
    }

    public static TraceConfig defaults() {
        return new TraceConfig(true, 7, 64L * 1024 * 1024);
    }
}
