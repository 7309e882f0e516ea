package com.alignersync.event;

/**
 * Who made a portal change, as the portal's setup trigger stamped it from the writing session
 * (DESIGN.md section 9): the clinic's forward sync (its configured role, or a session that set
 * {@code aligner_sync.origin = 'clinic'}) or anyone else, that is a doctor in the portal.
 */
public enum Origin {
    /** A doctor, or anything in the portal that is not the clinic's forward sync: applied by version. */
    PORTAL,
    /** The clinic's forward sync copying a SQL Server change: recorded as seen, never written back. */
    CLINIC;

    /** The stamp's text ({@code clinic}, {@code portal}); anything but {@code clinic} counts as the portal's. */
    public static Origin of(String stamp) {
        return "clinic".equals(stamp) ? CLINIC : PORTAL;
    }
}
