package com.alignersync.ops;

import static com.alignersync.ops.StatusReading.at;
import static com.alignersync.ops.StatusReading.map;
import static com.alignersync.ops.StatusReading.orDash;
import static com.alignersync.ops.StatusReading.text;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What is wrong, from the {@code status} report, and what to do about each: configuration,
 * state files, the daemon, the slot, SQL Server and the dead letters, in the order an operator
 * would fix them. The running daemon's own warnings are passed on. {@link StatusTable} draws them.
 */
final class StatusDiagnosis {

    private final Map<String, Object> report;
    private final List<String> configProblems;
    private final List<String> corruptFiles;
    private final Map<?, ?> live;

    StatusDiagnosis(OperatorStatus.Result result) {
        this.report = result.report();
        this.configProblems = result.configProblems();
        this.corruptFiles = result.corruptFiles();
        this.live = StatusReading.liveStatus(report);
    }

    List<StatusWarning> warnings() {
        Set<StatusWarning> out = new LinkedHashSet<>();
        configProblems.forEach(p -> out.add(new StatusWarning("configuration: " + p, "fix it in the properties file or the environment")));
        corruptFiles.forEach(file -> out.add(new StatusWarning(file, null)));
        String daemonState = text(at(report, "daemon", "state"));
        if ("not running".equals(daemonState)) {
            out.add(new StatusWarning("the daemon is not running", "start it: aligner-sync run (or run --embedded for the embedded"
                    + " databases); until then this shows what data/ and the databases say"));
        } else if ("running".equals(daemonState) && live == null) {
            out.add(new StatusWarning("the daemon holds the data directory but its status does not answer ("
                    + orDash(at(report, "daemon", "live", "reason")) + ")", "run status with the daemon's ops.port (OPS_PORT) and http.operator-secret, or read its log"));
        } else if ("unknown".equals(daemonState)) {
            out.add(new StatusWarning(orDash(at(report, "daemon", "reason")), "check the permissions of the data directory"));
        }
        if (live != null) {
            daemonWarnings(out);
        }
        slotWarnings(out);
        Map<?, ?> sink = map(report.get("sink"));
        if ("missing".equals(at(sink, "ledger"))) {
            out.add(new StatusWarning("the ledger table is missing in SQL Server", "run: aligner-sync init"));
        } else if ("unreachable".equals(at(sink, "state"))) {
            out.add(new StatusWarning("SQL Server does not answer (" + orDash(at(sink, "reason")) + ")",
                    "check that it is up and sqlserver.jdbc-url, sqlserver.user and sqlserver.password"));
        }
        if (at(report, "deadLetters", "count") instanceof Number n && n.longValue() > 0) {
            out.add(new StatusWarning(n + " change(s) parked in " + text(at(report, "deadLetters", "file")),
                    "read the reasons (the console at / or dead-letters list), fix the cause, then replay:"
                            + " the console's Replay button while the daemon runs, or dead-letters replay with it stopped"));
        }
        return new ArrayList<>(out);
    }

    private void daemonWarnings(Set<StatusWarning> out) {
        Object notReady = at(live, "summary", "notReadyReason");
        if (notReady != null) {
            out.add(new StatusWarning("not ready: " + notReady,
                    "check that SQL Server is up; the inputs hold their positions and resume by themselves"));
        }
        // The sink's own warning while SQL Server is not ready is said above, as "not ready", with what to do.
        Object sinkReason = at(live, "sink", "reason");
        String sinkUnavailable = sinkReason == null ? null : "sink: " + SinkStatus.unavailableWarning(String.valueOf(sinkReason));
        if (at(live, "summary", "warnings") instanceof List<?> list) {
            for (Object warning : list) {
                String text = String.valueOf(warning);
                if (text.equals(sinkUnavailable)) {
                    continue;
                }
                out.add(new StatusWarning(text, saysWhatToDo(text) ? null : "see the daemon's log"));
            }
        }
        Map<?, ?> cdc = map(live.get("cdc"));
        if (cdc != null) {
            String state = text(cdc.get("state"));
            if ("failed".equals(state) || "restarting".equals(state)) {
                out.add(new StatusWarning("CDC is " + state + " (" + orDash(cdc.get("lastError")) + ")",
                        "check that the portal database answers at supabase.db-url; the daemon retries with backoff"));
            } else if ("paused-sink-unavailable".equals(state)) {
                out.add(new StatusWarning("CDC is paused: SQL Server did not take a batch", "check SQL Server; CDC resumes by itself"));
            }
            if (cdc.get("alarm") != null) {
                out.add(new StatusWarning("CDC alarm: " + cdc.get("alarm"),
                        "a catch-up poll reads what the slot may have lost; see the operations guide"));
            }
        }
        if (at(live, "poll", "lastError") instanceof Map<?, ?> error) {
            out.add(new StatusWarning("the last poll failed (" + orDash(error.get("kind")) + ": " + orDash(error.get("message")) + ")",
                    "check supabase.url and supabase.service-role-key; the cursor stays and the next poll retries"));
        }
    }

    /**
     * Whether a warning the daemon raised already says what to do. The daemon publishes its
     * warnings as text (the console shows them as they are), so this reads the text: the
     * remedies its parts write follow "->", ": set " or ": use ".
     */
    private static boolean saysWhatToDo(String warning) {
        return warning.contains("->") || warning.contains(": set ") || warning.contains(": use ");
    }

    private void slotWarnings(Set<StatusWarning> out) {
        Map<?, ?> slot = map(report.get("slot"));
        if (slot == null) {
            return;
        }
        String state = text(slot.get("state"));
        if ("unreachable".equals(state)) {
            String embedded = at(report, "dataDir", "embeddedRun") == null ? "" : " (the embedded portal runs only while run --embedded runs)";
            out.add(new StatusWarning("the portal database does not answer for the slot check (" + orDash(slot.get("reason")) + ")",
                    "check supabase.db-url and the network" + embedded));
            return;
        }
        if (!"reachable".equals(state)) {
            return;
        }
        if (Boolean.FALSE.equals(slot.get("exists"))) {
            out.add(new StatusWarning("the replication slot " + orDash(slot.get("name")) + " does not exist",
                    "the daemon creates it when it starts; a poll catches up the changes made meanwhile"));
            return;
        }
        String walStatus = text(slot.get("walStatus"));
        if (walStatus == null || "reserved".equals(walStatus)) {
            return;
        }
        out.add(switch (walStatus) {
            case "extended" -> new StatusWarning("slot wal_status is extended (it keeps more WAL than max_wal_size)",
                    "keep the daemon streaming so it confirms its position; if it keeps growing, check max_slot_wal_keep_size and the"
                            + " portal's disk");
            case "unreserved" -> new StatusWarning("slot wal_status is unreserved: WAL it needs goes at the next checkpoint",
                    "get the daemon streaming now, or the slot is lost");
            case "lost" -> new StatusWarning("slot wal_status is lost: its changes are gone",
                    "see the lost-slot section of the operations guide (the daemon recreates the slot and a poll catches up)");
            default -> new StatusWarning("slot wal_status is " + walStatus, "see the operations guide");
        });
    }
}
