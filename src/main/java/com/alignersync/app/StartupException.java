package com.alignersync.app;

/** The daemon could not start; nothing is left running. Carries the exit code of its failure class. */
public class StartupException extends Exception {

    private final int exitCode;

    public StartupException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
