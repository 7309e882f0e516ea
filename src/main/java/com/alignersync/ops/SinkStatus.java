package com.alignersync.ops;

import com.alignersync.status.StatusSource;
import com.alignersync.status.ReadinessCheck;
import com.alignersync.event.Input;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.SinkHealth;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.sink.SqlErrors;
import com.alignersync.sink.SqlServerSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The sink as operators see it: whether SQL Server and the ledger answer, how many events
 * each input brought to each outcome, and how many dead letters wait for a replay.
 */
public final class SinkStatus implements StatusSource, ReadinessCheck {

    private final SqlServerSink sink;
    private final SinkMetrics metrics;
    private final DeadLetterLog deadLetters;
    private final Clock clock;

    /** How many parked changes the status lists (newest first); the count covers all of them. */
    static final int RECENT_DEAD_LETTERS = 20;
    private static final int MAX_REASON = 300;

    private record CountedFile(long size, long modified, int count, List<Map<String, Object>> recent) {
    }

    // Status is polled; re-read the dead-letter file only when it changed.
    private CountedFile deadLetterCount = new CountedFile(-1, -1, 0, List.of());

    public SinkStatus(SqlServerSink sink, SinkMetrics metrics, DeadLetterLog deadLetters) {
        this(sink, metrics, deadLetters, Clock.systemUTC());
    }

    public SinkStatus(SqlServerSink sink, SinkMetrics metrics, DeadLetterLog deadLetters, Clock clock) {
        this.sink = sink;
        this.clock = clock;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
    }

    @Override
    public String statusName() {
        return "sink";
    }

    /** A readiness verdict and when it was reached ({@link System#nanoTime()}). */
    private record Verdict(Optional<String> notReadyReason, long at) {
    }

    // One status request asks twice (its summary and this part), and probes hammering /ready would
    // each cost SQL Server a round trip: a verdict younger than this is answered again.
    private static final long VERDICT_NANOS = 200_000_000L;
    private Verdict verdict;

    @Override
    public synchronized Optional<String> notReadyReason() {
        long now = System.nanoTime();
        if (verdict == null || now - verdict.at() > VERDICT_NANOS) {
            verdict = new Verdict(check(), now);
        }
        return verdict.notReadyReason();
    }

    private Optional<String> check() {
        try {
            sink.checkReady();
            return Optional.empty();
        } catch (SinkUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The warning this part raises while SQL Server is not ready, its {@code reason} published beside
     * it: the {@code status} table says it as "not ready" instead, and leaves this one out.
     */
    static String unavailableWarning(String reason) {
        return "sink unavailable: " + reason;
    }

    @Override
    public Map<String, Object> statusSnapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        Optional<String> notReady = notReadyReason();
        SinkHealth.Snapshot health = sink.health().snapshot();
        out.put("state", health.state() == SinkHealth.State.MISCONFIGURED ? "misconfigured"
                : notReady.isPresent() ? "unavailable"
                : health.state() == SinkHealth.State.WAITING_ON_LOCK ? "waiting_on_lock"
                : health.state() == SinkHealth.State.RETRYING ? "retrying" : "reachable");
        notReady.ifPresent(reason -> out.put("reason", reason));
        if (health.since() != null) {
            out.put("since", health.since().toString());
        }
        List<String> warnings = new ArrayList<>();
        String healthWarning = health.warning(clock.instant());
        if (healthWarning != null) {
            warnings.add(healthWarning);
        } else {
            notReady.ifPresent(reason -> warnings.add(unavailableWarning(reason)));
        }
        // Equal versions with different content mean the portal did not version an edit; say so.
        String tieBreak = metrics.lastTieBreak();
        if (tieBreak != null) {
            warnings.add(metrics.conflicts() + " equal-version conflict(s) decided by a tie-break, last: " + tieBreak);
        }
        List<String> stopped = sink.stoppedByBreaker();
        if (!stopped.isEmpty()) {
            warnings.add(stopped.size() + " key(s) stopped by the ping-pong breaker, their copies parked: " + String.join(", ", stopped)
                    + " (docs/two-way.md); replay their dead letters once the cause is fixed");
            out.put("stoppedByBreaker", stopped);
        }
        if (!warnings.isEmpty()) {
            out.put("warnings", List.copyOf(warnings));
        }
        Map<String, Object> perInput = new LinkedHashMap<>();
        for (Input input : Input.values()) {
            Map<String, Object> counts = new LinkedHashMap<>();
            for (Outcome outcome : Outcome.values()) {
                counts.put(outcome.name().toLowerCase(Locale.ROOT), metrics.count(input, outcome));
            }
            perInput.put(input.name().toLowerCase(Locale.ROOT), counts);
        }
        out.put("events", perInput);
        out.put("conflicts", metrics.conflicts());
        if (tieBreak != null) {
            out.put("lastTieBreak", tieBreak);
        }
        out.put("failedBatches", metrics.failedBatches());
        CountedFile parked = deadLetterFile();
        out.put("deadLetters", parked.count());
        out.put("recentDeadLetters", parked.recent());
        out.put("deadLetterFile", deadLetters.file().toString());
        return out;
    }

    private synchronized CountedFile deadLetterFile() {
        if (!Files.exists(deadLetters.file())) {
            return new CountedFile(-1, -1, 0, List.of());
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(deadLetters.file(), BasicFileAttributes.class);
            long size = attributes.size();
            long modified = attributes.lastModifiedTime().toMillis();
            if (size != deadLetterCount.size() || modified != deadLetterCount.modified()) {
                deadLetterCount = read(size, modified);
            }
            return deadLetterCount;
        } catch (IOException | UncheckedIOException e) {
            return new CountedFile(-1, -1, deadLetterCount.count(), deadLetterCount.recent());
        }
    }

    /** A reason fit for the unauthenticated status: no SQL Server text (see {@link SqlErrors#withoutServerText}), bounded in length. */
    static String publicReason(String reason) {
        String shown = SqlErrors.withoutServerText(reason);
        return shown.length() > MAX_REASON ? shown.substring(0, MAX_REASON) + "..." : shown;
    }

    /**
     * The newest parked changes first, each with its reason and what it was (input, table, key,
     * operation): enough to decide on a replay, never the row's values.
     */
    private CountedFile read(long size, long modified) {
        List<DeadLetterLog.Entry> entries = deadLetters.readAll();
        List<Map<String, Object>> recent = new ArrayList<>();
        for (int i = entries.size() - 1; i >= 0 && recent.size() < RECENT_DEAD_LETTERS; i--) {
            DeadLetterLog.Entry entry = entries.get(i);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("at", entry.at());
            item.put("reason", publicReason(entry.reason()));
            if (entry.event() != null) {
                item.put("input", entry.event().path("input").asText(null));
                item.put("table", entry.event().path("table").asText(null));
                item.put("key", entry.event().path("key").asText(null));
                item.put("op", entry.event().path("op").asText(null));
                item.put("replayable", true);
            } else {
                item.put("input", entry.raw() == null ? null : entry.raw().path("input").asText(null));
                item.put("replayable", false);
            }
            recent.add(item);
        }
        return new CountedFile(size, modified, entries.size(), List.copyOf(recent));
    }
}
