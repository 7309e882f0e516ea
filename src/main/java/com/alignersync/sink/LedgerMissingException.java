package com.alignersync.sink;

/** The clinic database answers but has no ledger table: {@code init} has not been run there. */
public class LedgerMissingException extends SinkUnavailableException {

    public LedgerMissingException(String message, Throwable cause) {
        super(message, cause);
    }
}
