package com.alignersync.app;

/** Distinct exit codes per failure class, so scripts and systemd can tell them apart. */
public final class ExitCodes {

    public static final int CONFIG = 2;
    public static final int SINK = 3;
    public static final int LOCKED = 4;
    public static final int HTTP = 5;
    /** The portal's REST API (PostgREST) unreachable or refusing. */
    public static final int SOURCE = 6;
    /** A state file in data/ is corrupt: fix it or start over on purpose. */
    public static final int STATE = 7;
    /** An input failed for good while running (e.g. the CDC engine cannot start again). */
    public static final int INPUT_FAILED = 8;
    /** {@code check}: at least one preflight check failed (each FAIL line says what and how to fix it). */
    public static final int CHECK_FAILED = 9;
    /**
     * {@code verify --repair}: the delete guard refused to delete notes the portal did not list (an
     * empty listing, or one far smaller than the ledger); the rest of the repair was done.
     */
    public static final int DELETES_REFUSED = 10;

    private ExitCodes() {
    }
}
