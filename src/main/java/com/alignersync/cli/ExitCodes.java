package com.alignersync.cli;

/** Distinct exit codes per failure class, so scripts and systemd can tell them apart. */
final class ExitCodes {

    static final int CONFIG = 2;
    static final int SINK = 3;
    static final int LOCKED = 4;
    static final int HTTP = 5;
    /** The portal's REST API (PostgREST) unreachable or refusing. */
    static final int SOURCE = 6;
    /** A state file in data/ is corrupt: fix it or start over on purpose. */
    static final int STATE = 7;

    private ExitCodes() {
    }
}
