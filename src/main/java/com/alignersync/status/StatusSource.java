package com.alignersync.status;

import java.util.Map;

/**
 * A part of the daemon that publishes its state for {@code GET /api/sync/status} and the
 * {@code status} command: an input (CDC, webhook, poll), the sink, the dead-letter log.
 * Snapshots are plain maps of JSON-friendly values, never secrets or row contents.
 */
public interface StatusSource {

    /** The key under which the snapshot appears, e.g. {@code cdc}, {@code webhook}, {@code poll}, {@code sink}. */
    String statusName();

    /** A fresh, cheap snapshot; must not block on a database for long. */
    Map<String, Object> statusSnapshot();
}
