package com.alignersync.sink;

/**
 * SQL Server could not take the batch (down, unreachable, ledger missing, retries exhausted).
 * Nothing of the batch was committed: callers keep their offsets and cursors and try again.
 */
public class SinkUnavailableException extends Exception {

    public SinkUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
