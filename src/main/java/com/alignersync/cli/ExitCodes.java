package com.alignersync.cli;

/** Distinct exit codes per failure class, so scripts and systemd can tell them apart. */
final class ExitCodes {

    static final int CONFIG = 2;
    static final int SINK = 3;
    static final int LOCKED = 4;
    static final int HTTP = 5;

    private ExitCodes() {
    }
}
