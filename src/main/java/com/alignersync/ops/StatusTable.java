package com.alignersync.ops;

import static com.alignersync.ops.StatusReading.at;
import static com.alignersync.ops.StatusReading.map;
import static com.alignersync.ops.StatusReading.orDash;
import static com.alignersync.ops.StatusReading.text;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code status} command's default view, for people: one line per input and the sink
 * (state, last event, lag, counts), then every warning of the {@link StatusDiagnosis} with what
 * to do about it. Built from the same report {@code status --json} prints; the running daemon's
 * own status wins where it answers, {@code data/} and the databases speak for it where it does not.
 */
public final class StatusTable {

    static final List<String> INPUTS = List.of("cdc", "webhook", "poll");
    private static final List<String> HEADERS = List.of("INPUT", "STATE", "LAST EVENT", "LAG", "APPLIED", "DUPLICATE", "STALE", "DEAD LETTERS");
    /** Sections of the daemon's status that are not rows: drawn elsewhere or not parts at all. */
    private static final Set<String> NOT_ROWS = Set.of("summary", "history", "cdc", "webhook", "poll", "sink", "freshness");

    private final Map<String, Object> report;
    private final boolean cdcEnabled;
    private final List<StatusWarning> warnings;
    private final Instant now;
    private final Map<?, ?> live;

    public StatusTable(OperatorStatus.Result result, Instant now) {
        this.report = result.report();
        this.cdcEnabled = result.cdcEnabled();
        this.warnings = new StatusDiagnosis(result).warnings();
        this.now = now;
        this.live = StatusReading.liveStatus(report);
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(headline()).append('\n');
        if (live != null) {
            Object freshness = at(live, "summary", "freshnessSeconds");
            out.append("freshness: ").append(freshness instanceof Number n
                    ? "SQL Server is at most " + Math.round(n.doubleValue()) + " s behind the portal"
                    : "not known yet (no CDC batch or successful poll since the start)").append('\n');
        }
        out.append("data: ").append(text(at(report, "dataDir", "path")));
        if (at(report, "dataDir", "embeddedRun") != null) {
            out.append("  (configuration of run --embedded: ").append(text(at(report, "dataDir", "embeddedRun"))).append(')');
        }
        out.append("\n\n");
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADERS);
        rows.add(cdcRow());
        rows.add(webhookRow());
        rows.add(pollRow());
        rows.add(sinkRow());
        if (live != null) {
            live.forEach((name, part) -> {
                if (!NOT_ROWS.contains(String.valueOf(name)) && part instanceof Map<?, ?> m) {
                    rows.add(List.of(String.valueOf(name), orDash(m.get("state")), "-", "-", "-", "-", "-", "-"));
                }
            });
        }
        appendTable(out, rows);
        out.append('\n');
        if (warnings.isEmpty()) {
            out.append("No warnings.\n");
        } else {
            out.append("Warnings (what to do):\n");
            warnings.stream().map(StatusWarning::text).distinct().forEach(w -> out.append("  ! ").append(w).append('\n'));
        }
        return out.toString();
    }

    private String headline() {
        String daemonState = text(at(report, "daemon", "state"));
        StringBuilder line = new StringBuilder("aligner-sync status: ");
        if (live != null) {
            line.append(orDash(at(live, "summary", "state")));
            line.append(" (daemon running, ").append(text(at(report, "daemon", "holder"))).append(", ")
                    .append(text(at(report, "daemon", "live", "url"))).append(')');
        } else if ("running".equals(daemonState)) {
            line.append("daemon running, its status does not answer");
        } else {
            line.append("daemon ").append(daemonState == null ? "unknown" : daemonState);
        }
        return line.toString();
    }

    // ---- rows -------------------------------------------------------------------------------

    private List<String> cdcRow() {
        Map<?, ?> slot = map(report.get("slot"));
        String state;
        String last;
        if (live != null) {
            Map<?, ?> cdc = map(live.get("cdc"));
            state = cdc == null ? "disabled" : orDash(cdc.get("state"));
            last = cdc == null ? "-" : age(cdc.get("lastBatchAt"), "none yet");
        } else {
            state = cdcEnabled ? "stopped" : "disabled";
            Object stored = at(report, "cdc", "sourceCommitTime");
            last = stored == null ? "-" : age(stored, "-") + " (stored)";
        }
        return withCounts(List.of("cdc", state, last, lag(slot)), "cdc");
    }

    /** Retained WAL of the slot as this command read it, else as the daemon last read it; with wal_status. */
    private String lag(Map<?, ?> slot) {
        Object bytes = null;
        Object walStatus = null;
        if (slot != null && "reachable".equals(slot.get("state"))) {
            if (Boolean.FALSE.equals(slot.get("exists"))) {
                return "no slot";
            }
            bytes = slot.get("retainedWalBytes");
            walStatus = slot.get("walStatus");
        } else if (live != null && at(live, "cdc", "slot") instanceof Map<?, ?> daemonSlot) {
            bytes = daemonSlot.get("retainedWalBytes");
            walStatus = daemonSlot.get("walStatus");
        }
        if (bytes == null) {
            return "-";
        }
        return bytes(((Number) bytes).longValue()) + (walStatus == null ? "" : " (" + walStatus + ")");
    }

    private List<String> webhookRow() {
        if (live == null) {
            return withCounts(List.of("webhook", "stopped", "-", "-"), "webhook");
        }
        Map<?, ?> webhook = map(live.get("webhook"));
        return withCounts(List.of("webhook", webhook == null ? "disabled" : orDash(webhook.get("state")),
                webhook == null ? "-" : age(webhook.get("lastEventAt"), "none yet"), "-"), "webhook");
    }

    private List<String> pollRow() {
        if (live == null) {
            Object last = at(report, "poll", "lastPollTime");
            return withCounts(List.of("poll", "stopped", last == null ? "-" : age(last, "-") + " (stored)", "-"), "poll");
        }
        Map<?, ?> poll = map(live.get("poll"));
        if (poll == null) {
            return withCounts(List.of("poll", "disabled", "-", "-"), "poll");
        }
        String last = age(poll.get("lastSuccessfulPoll"), "none yet");
        if (poll.get("nextRun") != null) {
            last += ", next " + age(poll.get("nextRun"), "-");
        }
        String state = poll.get("lastError") != null ? "failing" : orDash(poll.get("state"));
        return withCounts(List.of("poll", state, last, "-"), "poll");
    }

    private List<String> sinkRow() {
        Map<?, ?> sink = map(report.get("sink"));
        String state = orDash(at(sink, "state"));
        if ("missing".equals(at(sink, "ledger"))) {
            state = "ledger missing";
        } else if (live != null && at(live, "sink", "state") != null) {
            state = text(at(live, "sink", "state"));
        }
        List<String> row = new ArrayList<>(List.of("sink", state, "-", "-"));
        if (live == null || !(at(live, "sink", "events") instanceof Map<?, ?> events)) {
            row.addAll(List.of("-", "-", "-"));
        } else {
            for (String outcome : List.of("applied", "duplicate", "stale")) {
                long total = 0;
                for (String input : INPUTS) {
                    if (at(events, input, outcome) instanceof Number n) {
                        total += n.longValue();
                    }
                }
                row.add(String.valueOf(total));
            }
        }
        // The sink's column is what waits in the file now, the inputs' what each parked since start.
        Object waiting = at(report, "deadLetters", "count");
        row.add(waiting == null ? "-" : waiting + " waiting");
        return row;
    }

    private List<String> withCounts(List<String> first, String input) {
        List<String> row = new ArrayList<>(first);
        Map<?, ?> events = live == null ? null : map(at(live, "sink", "events", input));
        for (String outcome : List.of("applied", "duplicate", "stale", "dead_letter")) {
            row.add(events == null ? "-" : orDash(events.get(outcome)));
        }
        return row;
    }

    private static void appendTable(StringBuilder out, List<List<String>> rows) {
        int[] widths = new int[HEADERS.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                // Counts line up on the right, words on the left.
                boolean number = i >= 4;
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(number ? pad + cell : cell + pad);
                if (i < row.size() - 1) {
                    line.append("  ");
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    // ---- values -----------------------------------------------------------------------------

    private String age(Object iso, String none) {
        if (iso == null) {
            return none;
        }
        Instant at;
        try {
            at = Instant.parse(String.valueOf(iso));
        } catch (DateTimeParseException e) {
            return String.valueOf(iso);
        }
        Duration d = Duration.between(at, now);
        boolean future = d.isNegative();
        long s = Math.abs(d.toSeconds());
        String span = s < 60 ? s + " s" : s < 3600 ? s / 60 + " min" : s < 172_800 ? s / 3600 + " h" : s / 86_400 + " d";
        return future ? "in " + span : span + " ago";
    }

    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int i = 0;
        while (Math.abs(v) >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
