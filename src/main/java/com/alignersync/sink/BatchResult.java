package com.alignersync.sink;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The outcome of every event of a committed batch, in the order they were given. */
public record BatchResult(List<EventOutcome> outcomes, int conflicts) {

    public BatchResult {
        outcomes = List.copyOf(outcomes);
    }

    public Map<Outcome, Integer> counts() {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (EventOutcome o : outcomes) {
            counts.merge(o.outcome(), 1, Integer::sum);
        }
        return counts;
    }

    public int count(Outcome outcome) {
        return counts().getOrDefault(outcome, 0);
    }
}
