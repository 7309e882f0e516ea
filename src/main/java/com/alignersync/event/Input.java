package com.alignersync.event;

/** Which of the three redundant inputs delivered a change. */
public enum Input {
    CDC,
    WEBHOOK,
    POLL
}
