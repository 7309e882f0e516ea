package com.alignersync.cli;

/** Distinct exit codes per failure class, so scripts and systemd can tell them apart. */
final class ExitCodes {

    static final int CONFIG = 2;
    static final int SINK = 3;
    /** A state file in data/ is corrupt (e.g. offsets.json): restore or move it, see the message. */
    static final int STATE = 4;

    private ExitCodes() {
    }
}
