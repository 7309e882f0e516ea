package com.alignersync.sink;

/**
 * SQL Server refuses the daemon itself (login, permission, missing table): nothing is parked
 * row by row, writes stop until an operator applies the fix the message names, and inputs hold
 * their positions exactly as when SQL Server is down.
 */
public class SinkMisconfiguredException extends SinkUnavailableException {

    public SinkMisconfiguredException(String message, Throwable cause) {
        super(message, cause);
    }
}
