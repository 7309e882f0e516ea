package com.alignersync.source.cdc;

/** What the CDC input is doing, as status shows it. */
public enum CdcState {
    STARTING,
    STREAMING,
    /** SQL Server did not take a batch: nothing committed, the same batch is retried with backoff. */
    PAUSED_SINK_UNAVAILABLE,
    /** The engine stopped (Postgres unreachable, connection dropped); a restart is scheduled. */
    RESTARTING,
    /** Stopped for good: by request, or on a corrupt offsets file. */
    STOPPED,
    FAILED;

    public String label() {
        return name().toLowerCase().replace('_', '-');
    }
}
