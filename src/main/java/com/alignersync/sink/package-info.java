/**
 * The deduplicating SQL Server sink: the version ledger that decides each change, the SQL of
 * both dialects, transactions, error classification, retries and dead letters.
 */
package com.alignersync.sink;
