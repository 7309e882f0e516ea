package com.alignersync.status;

import java.util.Locale;

/**
 * Which side a poll, reconcile or verify failed on: what decides its HTTP status and exit code
 * (the portal's REST API 502, SQL Server 503, the delete guard 409) and what status and the
 * logs call it. One enum, so a new kind cannot be matched in one place and missed in another.
 */
public enum FailureKind {
    /** The portal's REST API (PostgREST) failed or refused. */
    REST,
    /** SQL Server (the sink or the ledger) failed. */
    SINK,
    /** The poller could not write its cursor file. */
    STATE,
    /** Reconcile's delete guard refused a delete (nothing was deleted). */
    GUARD;

    /** The name in JSON and log lines ("rest", "sink", ...), as they have always read. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
