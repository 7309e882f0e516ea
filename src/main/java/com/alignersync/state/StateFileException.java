package com.alignersync.state;

/**
 * A state file in {@code data/} exists but cannot be trusted (unreadable, not JSON, wrong
 * shape). The daemon refuses to start rather than silently starting over; the message names
 * the file and the way out.
 */
public class StateFileException extends Exception {

    public StateFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
