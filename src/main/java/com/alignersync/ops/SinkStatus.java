package com.alignersync.ops;

import com.alignersync.event.Input;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.sink.SqlServerSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
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

    private record CountedFile(long size, long modified, int count) {
    }

    // Status is polled; re-read the dead-letter file only when it changed.
    private CountedFile deadLetterCount = new CountedFile(-1, -1, 0);

    public SinkStatus(SqlServerSink sink, SinkMetrics metrics, DeadLetterLog deadLetters) {
        this.sink = sink;
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

    @Override
    public Map<String, Object> statusSnapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        Optional<String> notReady = notReadyReason();
        out.put("state", notReady.isEmpty() ? "reachable" : "unavailable");
        List<String> warnings = new java.util.ArrayList<>();
        notReady.ifPresent(reason -> {
            out.put("reason", reason);
            warnings.add("sink unavailable: " + reason);
        });
        // Equal versions with different content mean the portal did not version an edit; say so.
        String tieBreak = metrics.lastTieBreak();
        if (tieBreak != null) {
            warnings.add(metrics.conflicts() + " equal-version conflict(s) decided by a tie-break, last: " + tieBreak);
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
        out.put("deadLetters", deadLetters());
        out.put("deadLetterFile", deadLetters.file().toString());
        return out;
    }

    private synchronized int deadLetters() {
        if (!Files.exists(deadLetters.file())) {
            return 0;
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(deadLetters.file(), BasicFileAttributes.class);
            long size = attributes.size();
            long modified = attributes.lastModifiedTime().toMillis();
            if (size != deadLetterCount.size() || modified != deadLetterCount.modified()) {
                deadLetterCount = new CountedFile(size, modified, deadLetters.count());
            }
            return deadLetterCount.count();
        } catch (IOException e) {
            return deadLetters.count();
        }
    }
}
