package com.alignersync.reconcile;

import com.alignersync.status.FailureKind;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one reconcile pass found and did, for the log, status, the CLI and the HTTP answer.
 *
 * @param ledgerNotes        Doctor notes the ledger holds as applied and not deleted (read first)
 * @param portalNotes        notes the portal listed (read after the ledger)
 * @param portalCount        PostgREST's own count of the portal's notes (null when it gave none, or the pass
 *                           failed before listing): 0 with an empty listing is a key that sees no row, or a real wipe
 * @param gone               ledger notes the portal did not list
 * @param reappeared         of those, found in the portal by the re-check just before deleting (never deleted)
 * @param deleted            deletes the sink applied (tombstone recorded, row removed or kept per delete mode)
 * @param alreadyGone        deletes the sink recorded without a write (the row was not in SQL Server, or delete-mode=ignore)
 * @param notApplied         deletes the sink did not apply (stale, dead letter: see the sink's log)
 * @param batchesNotInPortal batches the ledger holds that the portal no longer lists (reported only: batches are never deleted)
 * @param sampleKeys         the first note keys to delete (or that would be deleted)
 * @param error              null when the pass completed
 */
public record ReconcileResult(
        String trigger,
        boolean dryRun,
        Instant startedAt,
        long millis,
        int ledgerNotes,
        int portalNotes,
        Long portalCount,
        int gone,
        int reappeared,
        int deleted,
        int alreadyGone,
        int notApplied,
        int batchesNotInPortal,
        List<Long> sampleKeys,
        Error error) {

    /**
     * Why a pass stopped: {@code rest} (PostgREST), {@code sink} (SQL Server), {@code guard} (the {@link DeleteGuard}
     * refused: the message starts with its cause, e.g. {@code empty_listing:}, and names the fix).
     */
    public record Error(FailureKind kind, String message) {
    }

    public boolean ok() {
        return error == null;
    }

    /** Notes the pass deletes (or would delete, in a dry run). */
    public int toDelete() {
        return gone - reappeared;
    }

    /** Rows per second over the keys listed from both sides. */
    public double rate() {
        return millis == 0 ? 0 : (ledgerNotes + portalNotes) * 1000.0 / millis;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("ok", ok());
        map.put("trigger", trigger);
        map.put("dryRun", dryRun);
        map.put("startedAt", startedAt.toString());
        map.put("millis", millis);
        map.put("ledgerNotes", ledgerNotes);
        map.put("portalNotes", portalNotes);
        map.put("portalCount", portalCount);
        map.put("goneFromPortal", gone);
        map.put("reappearedOnRecheck", reappeared);
        map.put(dryRun ? "wouldDelete" : "toDelete", toDelete());
        map.put("deleted", deleted);
        map.put("alreadyGone", alreadyGone);
        map.put("notApplied", notApplied);
        map.put("batchesNotInPortal", batchesNotInPortal);
        map.put("sampleKeys", sampleKeys);
        map.put("error", error == null ? null : Map.of("kind", error.kind().toString(), "message", error.message()));
        return map;
    }
}
