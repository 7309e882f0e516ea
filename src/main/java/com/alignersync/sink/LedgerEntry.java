package com.alignersync.sink;

/**
 * What the ledger says of one source key: the newest portal version decided for it and the
 * content seen at that version.
 *
 * @param version     the newest source version decided for the key (epoch microseconds, the portal's clock)
 * @param contentHash the content hash of the copy at {@code version}, whether it was written or only
 *                    recorded (rule 6, the clinic's own change)
 * @param lsn         the LSN of the CDC event that set this entry, or null when another input
 *                    did; breaks ties between equal versions (the later LSN wins)
 * @param writtenAt   when (epoch microseconds, daemon clock) the daemon last changed the clinic's
 *                    row for this key; null when it never did. For operators (trace, status), no rule reads it
 */
public record LedgerEntry(long version, String contentHash, boolean tombstone, Long lsn, Long writtenAt) {

    public LedgerEntry(long version, String contentHash, boolean tombstone) {
        this(version, contentHash, tombstone, null, null);
    }

    /** The entry after a newer copy was decided: its version and content, the LSN kept when the copy has none. */
    LedgerEntry advancedTo(long newVersion, String newHash, boolean newTombstone, Long newLsn) {
        return new LedgerEntry(newVersion, newHash, newTombstone, newLsn != null ? newLsn : lsn, writtenAt);
    }

    LedgerEntry writtenAt(long micros) {
        return new LedgerEntry(version, contentHash, tombstone, lsn, micros);
    }
}
