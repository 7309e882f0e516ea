package com.alignersync.sink;

import com.alignersync.event.ChangeEvent;
import java.time.Instant;
import java.util.List;

/**
 * Told of every decision the sink makes, for the per-edit trace (trace.DecisionJournal). Called
 * after the commit, on the applying thread: an implementation must be quick and must not throw
 * (the sink logs and ignores what it throws; a decision is never undone by its journal).
 */
public interface DecisionListener {

    DecisionListener NONE = new DecisionListener() {
        @Override
        public void committed(List<EventOutcome> outcomes, Instant at) {
        }

        @Override
        public void notCommitted(List<ChangeEvent> events, String reason, Instant at) {
        }
    };

    /** A batch committed in SQL Server at {@code at} with these outcomes (parked ones included). */
    void committed(List<EventOutcome> outcomes, Instant at);

    /** A batch was not committed (SQL Server unavailable, refused and held, misconfigured); the input keeps its position. */
    void notCommitted(List<ChangeEvent> events, String reason, Instant at);
}
