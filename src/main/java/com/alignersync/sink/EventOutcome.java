package com.alignersync.sink;

import com.alignersync.event.ChangeEvent;

/** The sink's verdict on one event, with a human-readable reason (never row contents). */
public record EventOutcome(ChangeEvent event, Outcome outcome, String detail) {
}
