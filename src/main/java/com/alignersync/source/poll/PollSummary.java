package com.alignersync.source.poll;

import com.alignersync.status.FailureKind;
import com.alignersync.sink.Outcome;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of one poll (or dry run), for the log, {@code POST /api/sync/poll}, the CLI and status.
 *
 * @param streams     per cursor, what was read and decided, in poll order
 * @param error       why the poll stopped early (cursors of the failed read were kept), or null
 * @param planned     dry run only: the changes the sink would apply (at most {@link #PLANNED_LIMIT})
 * @param plannedTotal dry run only: how many changes the sink would apply in all
 */
public record PollSummary(Instant startedAt, long millis, boolean dryRun, List<StreamCounts> streams, PollError error,
                          List<PlannedChange> planned, int plannedTotal) {

    public static final int PLANNED_LIMIT = 1_000;

    /** Why a poll stopped: {@code rest} (PostgREST unreachable or refusing), {@code sink}, {@code state}. */
    public record PollError(FailureKind kind, String stream, String message, Map<String, Object> rest) {
        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("kind", kind.toString());
            map.put("stream", stream);
            map.put("message", message);
            if (rest != null) {
                map.put("rest", rest);
            }
            return map;
        }
    }

    /** One change a dry run found that the sink would apply: no row values, only what identifies it. */
    public record PlannedChange(String table, long key, long version, String verdict) {
    }

    public PollSummary {
        streams = List.copyOf(streams);
        planned = List.copyOf(planned);
    }

    public boolean ok() {
        return error == null;
    }

    public int fetched() {
        return streams.stream().mapToInt(StreamCounts::fetched).sum();
    }

    public int total(Outcome outcome) {
        return streams.stream().mapToInt(s -> s.count(outcome)).sum();
    }

    public int invalid() {
        return streams.stream().mapToInt(StreamCounts::invalid).sum();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("startedAt", startedAt.toString());
        map.put("millis", millis);
        map.put("dryRun", dryRun);
        map.put("ok", ok());
        map.put("fetched", fetched());
        for (Outcome outcome : Outcome.values()) {
            map.put(outcome.name().toLowerCase(), total(outcome) + (outcome == Outcome.DEAD_LETTER ? invalid() : 0));
        }
        Map<String, Object> perStream = new LinkedHashMap<>();
        streams.forEach(s -> perStream.put(s.stream(), s.toMap()));
        map.put("streams", perStream);
        map.put("error", error == null ? null : error.toMap());
        if (dryRun) {
            map.put("wouldApply", plannedTotal);
            map.put("planned", planned.stream().map(p -> Map.of("table", p.table(), "key", p.key(), "version", p.version(),
                    "verdict", p.verdict())).toList());
        }
        return map;
    }
}
