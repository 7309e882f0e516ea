package com.alignersync.event;

import java.time.Instant;

/** Where in the replication stream a CDC event came from; for diagnostics and logs only. */
public record SourcePosition(long lsn, Instant commitTime) {

    /** The LSN in Postgres' own notation, e.g. {@code 0/16B3748}. */
    public String lsnText() {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
