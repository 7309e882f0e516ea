package com.alignersync.event;

/** Which of the three redundant inputs delivered a change. */
public enum Input {
    CDC,
    WEBHOOK,
    POLL,
    /**
     * Not a delivery channel but the daemon's own passes: reconcile's deletes of notes the
     * portal no longer has, and {@code verify --repair}'s copies of the portal's current rows.
     */
    RECONCILE
}
