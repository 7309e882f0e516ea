package com.alignersync.event;

/**
 * Who made a portal change, as the trigger of connector-config/supabase-setup.sql stamped it
 * from the writing session (docs/two-way.md): the clinic's forward sync (its configured role, or
 * a session that set {@code aligner_sync.origin = 'clinic'}) or anyone else, that is a doctor in
 * the portal. The sink must tell them apart so the clinic's own changes are never written back.
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
