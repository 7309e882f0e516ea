package com.alignersync.sink;

/** What the ledger says was last applied for one source key. */
public record LedgerEntry(long version, String contentHash, boolean tombstone) {
}
