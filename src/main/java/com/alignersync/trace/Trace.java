package com.alignersync.trace;

import com.alignersync.event.ChangeEvents;
import com.alignersync.event.SourceTable;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "Where is the doctor's edit?" for one note or batch, in one view: the portal's row and SQL
 * Server's, the ledger's entry, the journaled decisions of every input, and a one-line verdict an
 * operator can act on ({@link #of}).
 *
 * @param portal  the portal's current row, or null when the portal does not have it
 * @param clinic  SQL Server's current row, or null when it does not have it
 * @param ledger  the ledger's entry, or null when the sink never decided the key
 * @param history the journaled decisions, newest first
 */
public record Trace(SourceTable table, long key, Side portal, Side clinic, Ledger ledger, List<DecisionJournal.Entry> history,
                    Delivery delivery, boolean agree, String verdict) {

    /**
     * One side's row, reduced to what flows back: a batch's {@code days}; a note's {@code is_read}
     * and its text as a hash prefix and length (no note text in a trace).
     *
     * @param version the portal's version (epoch micros); null for SQL Server
     */
    public record Side(Long version, Map<String, Object> values) {
    }

    /** The ledger's entry as the trace shows it. */
    public record Ledger(long version, boolean tombstone, String appliedBy, Instant appliedAt) {
    }

    /**
     * Where the inputs are, for the verdict "nothing delivered it yet"; any part may be null.
     *
     * @param cdcUpTo  the portal commit time up to which CDC has handled every change
     * @param lastPoll when the last poll ran
     * @param nextPoll when the next one is due
     */
    public record Delivery(Instant cdcUpTo, Instant lastPoll, Instant nextPoll) {
        public static final Delivery UNKNOWN = new Delivery(null, null, null);
    }

    private static final Pattern ERROR_NUMBER = Pattern.compile("\\(error (\\d+)");

    /** Gathers the verdict from the facts. */
    public static Trace of(SourceTable table, long key, Side portal, Side clinic, Ledger ledger, List<DecisionJournal.Entry> history,
                           Delivery delivery, Instant now) {
        boolean agree = portal != null && clinic != null && Objects.equals(portal.values(), clinic.values());
        return new Trace(table, key, portal, clinic, ledger, history, delivery, agree,
                verdict(table, portal, clinic, ledger, history, delivery, agree, now));
    }

    private static String verdict(SourceTable table, Side portal, Side clinic, Ledger ledger, List<DecisionJournal.Entry> history,
                                  Delivery delivery, boolean agree, Instant now) {
        String name = table == SourceTable.ALIGNER_BATCHES ? "batch" : "note";
        if (portal == null) {
            if (clinic == null) {
                return "neither the portal nor SQL Server has this " + name;
            }
            if (ledger != null && ledger.tombstone()) {
                return "deleted in the portal (decided " + ledger.appliedAt() + "), but SQL Server still has it: sink.notes.delete-mode=ignore,"
                        + " or the delete was refused (dead-letters list)";
            }
            return "not in the portal, SQL Server has it: a Lab note or a batch the portal never had, or a delete no input has"
                    + " delivered yet (reconcile deletes what the ledger wrote)";
        }
        DecisionJournal.Entry latest = history.stream().filter(e -> Objects.equals(e.version(), portal.version())).findFirst().orElse(null);
        DecisionJournal.Entry applied = history.stream()
                .filter(e -> Objects.equals(e.version(), portal.version()) && e.outcome().equals("APPLIED")).findFirst().orElse(null);
        if (latest != null && latest.outcome().equals("DEAD_LETTER")) {
            Matcher number = ERROR_NUMBER.matcher(latest.detail() == null ? "" : latest.detail());
            String pick = number.find() ? "error " + number.group(1) : shortReason(latest.detail());
            return "parked at " + latest.at() + ": " + latest.detail() + ". Fix the cause, then: aligner-sync dead-letters replay --reason '"
                    + pick + "'";
        }
        if (clinic == null) {
            return table == SourceTable.ALIGNER_BATCHES
                    ? "the portal has it, SQL Server does not: batches are never inserted by the sync (an unknown batch is parked)"
                    : "the portal has it, SQL Server does not" + (latest == null ? ": " + undelivered(portal, delivery, now) : " (" + latest.outcome()
                    + " at " + latest.at() + ": " + latest.detail() + ")");
        }
        if (agree) {
            if (applied != null) {
                Duration after = Duration.between(ChangeEvents.fromMicros(portal.version()), applied.at());
                return "in SQL Server since " + applied.at() + ", " + seconds(after) + " s after the portal (delivered by " + applied.input() + ")";
            }
            return "SQL Server and the portal agree" + (latest == null ? "" : " (the portal's version was decided " + latest.at() + ": "
                    + latest.outcome() + (latest.detail() == null ? "" : ", " + latest.detail()) + ")");
        }
        if (latest != null && latest.notCommitted()) {
            return "delivered by " + latest.input() + " at " + latest.at() + " but not committed: " + latest.detail()
                    + ". The input keeps it and tries again";
        }
        if (latest == null && (ledger == null || ledger.version() < portal.version())) {
            return "the portal has version " + ChangeEvents.fromMicros(portal.version()) + ", nothing has delivered it yet: "
                    + undelivered(portal, delivery, now);
        }
        if (latest != null && latest.detail() != null && latest.detail().contains("origin clinic")) {
            return "the portal's latest change is the clinic's own (forward-synced, not written back), and SQL Server has changed"
                    + " since: the forward sync carries that change to the portal next";
        }
        return "SQL Server differs from the portal although the portal's version was decided"
                + (latest == null ? "" : " (" + latest.outcome() + " at " + latest.at() + ")")
                + ": SQL Server changed after it (a clinic edit the forward sync has not carried yet?). 'aligner-sync verify --repair'"
                + " writes the portal's row";
    }

    private static String undelivered(Side portal, Delivery delivery, Instant now) {
        Instant version = ChangeEvents.fromMicros(portal.version());
        StringBuilder out = new StringBuilder();
        if (delivery.cdcUpTo() != null) {
            out.append("CDC has handled the portal up to ").append(delivery.cdcUpTo()).append(" (")
                    .append(seconds(Duration.between(delivery.cdcUpTo(), now))).append(" s behind)");
            if (!delivery.cdcUpTo().isBefore(version)) {
                out.append(", past this version: a change CDC skipped? check the replication slot and dead-letters list");
            }
        } else {
            out.append("CDC has reported no batch");
        }
        out.append("; ");
        out.append(delivery.lastPoll() == null ? "no poll has run" : "the last poll ran at " + delivery.lastPoll());
        if (delivery.nextPoll() != null) {
            out.append(", the next is at ").append(delivery.nextPoll());
        }
        return out.toString();
    }

    private static String shortReason(String detail) {
        if (detail == null) {
            return "";
        }
        int cut = detail.indexOf(':');
        return (cut > 0 ? detail.substring(0, cut) : detail).replace("'", "");
    }

    private static long seconds(Duration duration) {
        return Math.max(0, Math.round(duration.toMillis() / 1000.0));
    }

    /** As JSON for the route and {@code trace --json}. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("table", table.tableName());
        out.put("key", key);
        out.put("verdict", verdict);
        out.put("agree", agree);
        out.put("portal", portal == null ? null : Map.of("version", ChangeEvents.fromMicros(portal.version()).toString(), "values", portal.values()));
        out.put("sqlServer", clinic == null ? null : Map.of("values", clinic.values()));
        out.put("ledger", ledger == null ? null : Map.of("version", ChangeEvents.fromMicros(ledger.version()).toString(),
                "tombstone", ledger.tombstone(), "appliedBy", String.valueOf(ledger.appliedBy()), "appliedAt", String.valueOf(ledger.appliedAt())));
        out.put("history", history.stream().map(e -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("at", e.at().toString());
            entry.put("input", e.input());
            entry.put("op", e.op());
            entry.put("version", e.versionAt() == null ? null : e.versionAt().toString());
            entry.put("hash", e.hash());
            entry.put("outcome", e.outcome());
            entry.put("detail", e.detail());
            entry.put("sourceCommitAt", e.sourceCommitAt() == null ? null : e.sourceCommitAt().toString());
            return entry;
        }).toList());
        return out;
    }
}
