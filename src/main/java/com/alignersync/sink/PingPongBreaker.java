package com.alignersync.sink;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The per-key ping-pong breaker (docs/two-way.md). Where the portal cannot say who made a
 * change (no origin stamps) and the clinic's forward sync echoes the daemon's writes, two
 * crossing edits can pass between the two sides for ever. This counts SQL Server writes per key;
 * a key written {@code maxWrites} times within {@code window}, whose next write brings back a
 * value it had within that window (a loop goes back and forth; a doctor typing a note with an
 * autosave writes new text each time and never trips it), is not written again: its next copies
 * are parked with the reason, and it stays stopped until an operator replays its dead letters (or
 * the daemon restarts). Nothing else stops.
 */
final class PingPongBreaker {

    private final int maxWrites;
    private final Duration window;
    private final Clock clock;
    /** One committed write: when, and the content hash written. */
    private record Write(Instant at, String hash) {
    }

    private final Map<SinkKey, Deque<Write>> writes = new HashMap<>();
    private final Set<SinkKey> open = new TreeSet<>(SinkKey.ORDER);

    /** @param maxWrites 0 turns the breaker off */
    PingPongBreaker(int maxWrites, Duration window, Clock clock) {
        this.maxWrites = maxWrites;
        this.window = window;
        this.clock = clock;
    }

    /**
     * Whether the key may be written now; false trips (or keeps) the breaker for it. Called
     * before a write, so the limit holds whatever the batch sizes.
     */
    synchronized boolean mayWrite(SinkKey key, String hash) {
        if (maxWrites <= 0) {
            return true;
        }
        if (open.contains(key)) {
            return false;
        }
        Deque<Write> recent = recent(key);
        if (recent.size() >= maxWrites && recent.stream().anyMatch(w -> w.hash().equals(hash))) {
            open.add(key);
            writes.remove(key);
            return false;
        }
        return true;
    }

    private int writesSincePrune;

    /** The key's write committed. */
    synchronized void written(SinkKey key, String hash) {
        if (maxWrites > 0) {
            recent(key).addLast(new Write(clock.instant(), hash));
            if (++writesSincePrune >= 10_000) {
                // Keys written once and never again would otherwise stay in memory for the daemon's life.
                writesSincePrune = 0;
                Instant oldest = clock.instant().minus(window);
                writes.values().removeIf(times -> times.isEmpty() || times.peekLast().at().isBefore(oldest));
            }
        }
    }

    /** An operator replays the key's dead letters: it may be written again. */
    synchronized void release(Collection<SinkKey> keys) {
        keys.forEach(key -> {
            open.remove(key);
            writes.remove(key);
        });
    }

    /** The keys stopped now, for status and the alarm. */
    synchronized List<SinkKey> stopped() {
        return List.copyOf(open);
    }

    String reason() {
        return "ping-pong breaker: written " + maxWrites + " times within " + window.toSeconds() + " s and back to an earlier value (the"
                + " clinic's forward sync and the portal passing values back and forth, with no origin stamps to tell an echo); this key is not written again until its"
                + " dead letters are replayed. Run connector-config/supabase-setup.sql with the forward sync's identity (docs/two-way.md)";
    }

    private Deque<Write> recent(SinkKey key) {
        Deque<Write> recent = writes.computeIfAbsent(key, k -> new ArrayDeque<>());
        Instant oldest = clock.instant().minus(window);
        while (!recent.isEmpty() && recent.peekFirst().at().isBefore(oldest)) {
            recent.removeFirst();
        }
        return recent;
    }
}
