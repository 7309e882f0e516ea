package com.alignersync.sink;

import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEventJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends parked events through the sink again, after an operator fixed the cause (e.g. the
 * batch now exists in SQL Server). The ledger still decides: a parked event that became stale
 * meanwhile is dropped as stale, never forced. Events that are refused again stay parked with
 * their new reason; raw records (which never became events) stay for a person to read.
 * Safe inside the running daemon (the console's replay): entries parked meanwhile by an input
 * are kept, and one replay runs at a time.
 */
public final class DeadLetterReplay {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterReplay.class);

    /** What a replay did: how many entries left the file, how many stayed parked, how many were not events. */
    public record Result(int resolved, int stillParked, int notReplayable, BatchResult batch) {
    }

    private final DeadLetterLog deadLetters;
    private final SqlServerSink sink;
    private final ChangeEventJson codec;

    public DeadLetterReplay(DeadLetterLog deadLetters, SqlServerSink sink, ObjectMapper mapper) {
        this.deadLetters = deadLetters;
        this.sink = sink;
        this.codec = new ChangeEventJson(mapper);
    }

    public synchronized Result replay() throws SinkUnavailableException {
        return replay(entry -> true);
    }

    /**
     * Replays the entries {@code selected} picks (by reason or time: dead letters a fault made
     * that has cleared, e.g. an outage an older release took for refusals); the others stay parked.
     */
    public synchronized Result replay(java.util.function.Predicate<DeadLetterLog.Entry> selected) throws SinkUnavailableException {
        List<DeadLetterLog.Entry> entries = deadLetters.readAll();
        List<DeadLetterLog.Entry> kept = new ArrayList<>();
        List<ChangeEvent> events = new ArrayList<>();
        for (DeadLetterLog.Entry entry : entries) {
            if (entry.event() == null || !selected.test(entry)) {
                kept.add(entry);
                continue;
            }
            try {
                events.add(codec.fromJson(entry.event()));
            } catch (IllegalArgumentException e) { // InvalidChangeException, or an unknown input or op name
                log.warn("dead letters: entry parked at {} cannot be read back as an event ({}); kept", entry.at(), e.getMessage());
                kept.add(entry);
            }
        }
        if (events.isEmpty()) {
            return new Result(0, 0, kept.size(), new BatchResult(List.of(), 0));
        }
        // A replay is the operator's word that a key the ping-pong breaker stopped may be written again.
        sink.releaseBreaker(events);
        BatchResult batch = sink.apply(events);
        // The sink appended the events it refused again (after the entries read above), and an
        // input may have parked others meanwhile: keep all of those, drop the replayed originals.
        deadLetters.replaceFirst(entries.size(), kept);
        int stillParked = batch.count(Outcome.DEAD_LETTER);
        Result result = new Result(events.size() - stillParked, stillParked, kept.size(), batch);
        log.info("dead letters: replayed {}, resolved {} ({}), still parked {}, not replayable {}",
                events.size(), result.resolved(), batch.counts(), stillParked, kept.size());
        return result;
    }
}
