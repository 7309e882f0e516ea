package com.alignersync.source.poll;

import com.alignersync.sink.Outcome;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one cursor's read did in one poll.
 *
 * @param invalid  rows that failed validation and were parked as raw dead letters
 * @param outcomes the sink's verdicts (in a dry run: what the sink would decide)
 */
public record StreamCounts(String stream, int pages, int fetched, int invalid, Map<Outcome, Integer> outcomes,
                           KeysetCursor cursor) {

    public StreamCounts {
        outcomes = Map.copyOf(outcomes);
    }

    public int count(Outcome outcome) {
        return outcomes.getOrDefault(outcome, 0);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("pages", pages);
        map.put("fetched", fetched);
        for (Outcome outcome : Outcome.values()) {
            map.put(outcome.name().toLowerCase(), count(outcome) + (outcome == Outcome.DEAD_LETTER ? invalid : 0));
        }
        map.put("invalid", invalid);
        map.put("cursor", cursor == null ? null : cursor.toMap());
        return map;
    }

    /** Mutable while a poll runs; {@link #done} freezes it. */
    static final class Builder {
        private final String stream;
        private int pages;
        private int fetched;
        private int invalid;
        private final Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);

        Builder(String stream) {
            this.stream = stream;
        }

        void page(int rows) {
            pages++;
            fetched += rows;
        }

        void invalid(int count) {
            invalid += count;
        }

        void outcome(Outcome outcome, int count) {
            outcomes.merge(outcome, count, Integer::sum);
        }

        StreamCounts done(KeysetCursor cursor) {
            return new StreamCounts(stream, pages, fetched, invalid, outcomes, cursor);
        }
    }
}
