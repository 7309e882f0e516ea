package com.alignersync.reconcile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A drift report: per table, rows compared, in sync, missing in SQL Server, extra in SQL Server,
 * different (with the columns), and the first keys of each; after {@code --repair} also what the
 * repair sent (the report itself is then the re-verification after it).
 */
public record VerifyReport(Instant startedAt, long millis, Section notes, Section batches, Repair repair) {

    /** One table's comparison; the key lists hold at most the report's limit, the counts everything. */
    public record Section(String table, long compared, long inSync, long missing, long extra, long different,
                          List<Long> missingKeys, List<Long> extraKeys, List<Difference> differences) {

        public long drift() {
            return missing + extra + different;
        }

        Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("compared", compared);
            map.put("inSync", inSync);
            map.put("missingInSqlServer", missing);
            map.put("extraInSqlServer", extra);
            map.put("different", different);
            map.put("missingKeys", missingKeys);
            map.put("extraKeys", extraKeys);
            List<Map<String, Object>> diffs = new ArrayList<>();
            for (Difference d : differences) {
                Map<String, Object> diff = new LinkedHashMap<>();
                diff.put("key", d.key());
                diff.put("columns", d.columns());
                diffs.add(diff);
            }
            map.put("differences", diffs);
            return map;
        }
    }

    /** A key whose row exists on both sides but differs, and in which SQL Server columns. */
    public record Difference(long key, List<String> columns) {
    }

    /**
     * @param driftBefore drift rows found before the repair
     * @param sent        rows and deletes sent through the sink
     * @param applied     written by the sink
     * @param unchanged   decided by the sink without a write (already equal, delete-mode=ignore)
     * @param notApplied  refused by the sink (stale, dead letter: see its log)
     * @param skipped     drift a repair cannot fix through the sink: batches SQL Server lacks or the portal lacks,
     *                    a different AlignerSetID (a key conflict), extra notes the ledger did not write
     * @param deletesRefused extra notes the ledger wrote that the {@link DeleteGuard} kept from being deleted
     * @param refusal     why (null when the guard let the deletes through)
     */
    public record Repair(long driftBefore, int sent, int applied, int unchanged, int notApplied, int skipped, int deletesRefused,
                         DeleteGuard.Refusal refusal) {
        Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("driftBefore", driftBefore);
            map.put("sent", sent);
            map.put("applied", applied);
            map.put("unchanged", unchanged);
            map.put("notApplied", notApplied);
            map.put("skipped", skipped);
            map.put("deletesRefused", deletesRefused);
            map.put("deleteGuard", guardMap());
            return map;
        }

        /** The refusal as JSON shows it: {@code {cause, message}}, or null. */
        Map<String, Object> guardMap() {
            if (refusal == null) {
                return null;
            }
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("cause", refusal.cause().label());
            map.put("message", refusal.message());
            return map;
        }
    }

    public long drift() {
        return notes.drift() + batches.drift();
    }

    public long compared() {
        return notes.compared() + batches.compared();
    }

    public boolean inSync() {
        return drift() == 0;
    }

    /** Rows compared per second. */
    public double rate() {
        return millis == 0 ? 0 : compared() * 1000.0 / millis;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("result", inSync() ? "in_sync" : "drift");
        map.put("startedAt", startedAt.toString());
        map.put("millis", millis);
        map.put("compared", compared());
        map.put("driftRows", drift());
        map.put("notes", notes.toMap());
        map.put("batches", batches.toMap());
        map.put("repair", repair == null ? null : repair.toMap());
        return map;
    }

    /** What status keeps of it: no key lists. */
    public Map<String, Object> summary() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("time", startedAt.toString());
        map.put("result", inSync() ? "in_sync" : "drift");
        map.put("driftRows", drift());
        map.put("compared", compared());
        map.put("millis", millis);
        for (Section section : List.of(notes, batches)) {
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("compared", section.compared());
            counts.put("missingInSqlServer", section.missing());
            counts.put("extraInSqlServer", section.extra());
            counts.put("different", section.different());
            map.put(section.table(), counts);
        }
        map.put("repaired", repair != null);
        if (repair != null && repair.refusal() != null) {
            map.put("deletesRefused", repair.deletesRefused());
            map.put("deleteGuard", repair.guardMap());
        }
        return map;
    }
}
