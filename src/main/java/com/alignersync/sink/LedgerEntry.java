package com.alignersync.sink;

/**
 * What the ledger says was last applied for one source key.
 *
 * @param version     the newest source version decided for the key (epoch microseconds)
 * @param contentHash the content hash of what was last applied (not of the newest copy seen:
 *                    rule 6 advances the version and keeps this)
 * @param lsn         the LSN of the CDC event that set this entry, or null when another input
 *                    did; breaks ties between equal versions (the later LSN wins)
 * @param writtenAt   when (epoch microseconds, daemon clock) the daemon last changed the clinic's
 *                    row to this content; null when it did not write it (the clinic already had it)
 * @param echoHash    a content the daemon wrote and has since superseded, whose echo through the
 *                    clinic's forward sync may still arrive; null when none is expected
 * @param echoUntil   the newest source version an echo of {@code echoHash} can carry
 */
public record LedgerEntry(long version, String contentHash, boolean tombstone, Long lsn, Long writtenAt,
                          String echoHash, Long echoUntil) {

    public LedgerEntry(long version, String contentHash, boolean tombstone) {
        this(version, contentHash, tombstone, null, null, null, null);
    }

    /** True when {@code hash} is the superseded content whose echo may carry {@code version}. */
    boolean isEcho(long version, String hash) {
        return echoHash != null && echoUntil != null && echoHash.equals(hash) && version <= echoUntil;
    }

    LedgerEntry advancedTo(long newVersion, Long newLsn) {
        return new LedgerEntry(newVersion, contentHash, tombstone, newLsn != null ? newLsn : lsn, writtenAt, echoHash, echoUntil);
    }

    LedgerEntry writtenAt(long micros) {
        return new LedgerEntry(version, contentHash, tombstone, lsn, micros, echoHash, echoUntil);
    }
}
