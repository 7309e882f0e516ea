package com.alignersync.reconcile;

import com.alignersync.status.FailureKind;
import com.alignersync.portal.PortalReader;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.event.SourcePosition;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.BatchResult;
import com.alignersync.sink.LedgerKeys;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.sink.Sink;
import com.alignersync.portal.PostgrestException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile pass: the Doctor notes the ledger holds as applied and not deleted, minus the
 * notes the portal still has, are deleted through the sink as tombstones (so
 * {@code sink.notes.delete-mode}, the Lab/AlignerSetID checks and the ledger all still decide).
 *
 * <p>Race rule, <b>ledger first, re-check last</b>: the ledger's keys are read before the
 * portal's, so a note inserted in the portal after its key list was read cannot be a
 * candidate (it was not in the ledger yet); and every candidate is asked for by key right
 * before the delete, so a note that is back in the portal is left alone.
 *
 * <p>Before anything is deleted the pass goes through the {@link DeleteGuard}: an empty listing, or
 * one far smaller than the ledger, deletes nothing and fails the pass with kind {@code guard}.
 */
public final class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    static final int SAMPLE = 20;
    private static final int DELETES_PER_BATCH = 500;

    private final PortalReader portal;
    private final LedgerKeys ledger;
    private final Sink sink;
    private final DeleteGuard guard;
    private final Clock clock;
    private volatile Runnable beforeRecheck = () -> { };

    /** @param clock dates the report only: what is deleted is dated by the portal's clock and the ledger (see {@link #deleteOf}) */
    public Reconciler(PortalReader portal, LedgerKeys ledger, Sink sink, DeleteGuard guard, Clock clock) {
        this.portal = portal;
        this.ledger = ledger;
        this.sink = sink;
        this.guard = guard;
        this.clock = clock;
    }

    /** For tests that build the race: runs between listing the portal and the re-check. */
    void beforeRecheck(Runnable hook) {
        this.beforeRecheck = hook;
    }

    public ReconcileResult run(boolean dryRun, String trigger) {
        Instant startedAt = clock.instant();
        long started = System.nanoTime();
        log.info("reconcile started ({}){}", trigger, dryRun ? ", dry run: nothing is deleted" : "");
        Progress progress = new Progress();
        ReconcileResult.Error error = null;
        try {
            pass(dryRun, progress);
        } catch (PostgrestException e) {
            error = new ReconcileResult.Error(FailureKind.REST, e.describe());
        } catch (SQLException e) {
            error = new ReconcileResult.Error(FailureKind.SINK, "cannot read the ledger: " + e.getMessage());
        } catch (SinkUnavailableException e) {
            error = new ReconcileResult.Error(FailureKind.SINK, e.getMessage());
        } catch (GuardException e) {
            error = new ReconcileResult.Error(FailureKind.GUARD, e.refusal.cause().label() + ": " + e.getMessage());
        }
        ReconcileResult result = new ReconcileResult(trigger, dryRun, startedAt, (System.nanoTime() - started) / 1_000_000,
                progress.ledgerNotes, progress.portalNotes, progress.portalCount, progress.gone, progress.reappeared, progress.deleted,
                progress.alreadyGone, progress.notApplied, progress.batchesNotInPortal, List.copyOf(progress.sample), error);
        if (result.ok()) {
            log.info("reconcile complete ({}){}: ledger {} notes, portal {} notes, {} gone from the portal, {} back on re-check,"
                            + " {} deleted, {} already gone, {} not applied, {} batches not in the portal (kept) in {} ms",
                    trigger, dryRun ? " (dry run: " + result.toDelete() + " would be deleted)" : "", result.ledgerNotes(),
                    result.portalNotes(), result.gone(), result.reappeared(), result.deleted(), result.alreadyGone(),
                    result.notApplied(), result.batchesNotInPortal(), result.millis());
        } else {
            log.warn("reconcile failed ({}) after {} ms, {} deleted before it: {}: {}", trigger, result.millis(), result.deleted(),
                    error.kind(), error.message());
        }
        return result;
    }

    /** Counters filled as the pass goes, so a failure still reports what was done before it. */
    private static final class Progress {
        int ledgerNotes;
        int portalNotes;
        Long portalCount;
        int gone;
        int reappeared;
        int deleted;
        int alreadyGone;
        int notApplied;
        int batchesNotInPortal;
        final List<Long> sample = new ArrayList<>();
    }

    private void pass(boolean dryRun, Progress progress)
            throws PostgrestException, SQLException, SinkUnavailableException, GuardException {
        // The ledger first: see the class comment.
        long[] ledgerNotes = ledger.liveKeys(SourceTable.ALIGNER_NOTES);
        long[] ledgerBatches = ledger.liveKeys(SourceTable.ALIGNER_BATCHES);
        progress.ledgerNotes = ledgerNotes.length;
        PortalReader.KeyListing listing = portal.listKeys(SourceTable.ALIGNER_NOTES);
        long[] portalNotes = listing.keys();
        progress.portalNotes = portalNotes.length;
        progress.portalCount = listing.portalCount();
        List<Long> gone = missingFrom(ledgerNotes, portalNotes);
        progress.gone = gone.size();
        if (ledgerBatches.length > 0) {
            progress.batchesNotInPortal = missingFrom(ledgerBatches, portal.keys(SourceTable.ALIGNER_BATCHES)).size();
        }
        if (gone.isEmpty()) {
            return;
        }
        // Judged on the listing, before the re-check: a blind key answers the re-check as blindly.
        Optional<DeleteGuard.Refusal> refusal = guard.check("reconcile", ledgerNotes.length, portalNotes.length, listing.portalCount(),
                gone.size());
        if (refusal.isPresent()) {
            throw new GuardException(refusal.get());
        }
        beforeRecheck.run();
        PortalReader.Recheck recheck = portal.present(SourceTable.ALIGNER_NOTES, gone);
        Set<Long> back = recheck.present();
        progress.reappeared = back.size();
        List<Long> toDelete = gone.stream().filter(key -> !back.contains(key)).toList();
        progress.sample.addAll(toDelete.subList(0, Math.min(SAMPLE, toDelete.size())));
        if (dryRun || toDelete.isEmpty()) {
            return;
        }
        // The portal was just re-checked without these keys: its Date says by when they were gone.
        Instant goneBy = recheck.goneBy();
        for (int from = 0; from < toDelete.size(); from += DELETES_PER_BATCH) {
            List<ChangeEvent> deletes = new ArrayList<>();
            for (long key : toDelete.subList(from, Math.min(toDelete.size(), from + DELETES_PER_BATCH))) {
                deletes.add(deleteOf(key, goneBy));
            }
            BatchResult result = sink.apply(deletes);
            Map<Outcome, Integer> counts = result.counts();
            progress.deleted += counts.getOrDefault(Outcome.APPLIED, 0);
            progress.alreadyGone += counts.getOrDefault(Outcome.UNCHANGED, 0);
            progress.notApplied += deletes.size() - counts.getOrDefault(Outcome.APPLIED, 0) - counts.getOrDefault(Outcome.UNCHANGED, 0);
        }
    }

    /**
     * The delete the portal's replication would have sent: only the key is known. Its version is
     * left to the sink, which places it after the version it applied last (the ledger's, 1 µs
     * later) and not before {@code goneBy}, when the portal was seen without the row by its own
     * clock: so a copy of any edit made before the delete (a parked dead letter replayed, a poll page
     * or webhook still in flight) is stale and cannot bring the note back. Never the daemon host's
     * clock: one running ahead would date the tombstone after edits the doctor makes later.
     *
     * @param goneBy the end of the second the portal's {@code Date} named when it was re-checked without the row; null when it
     *               sent none (the ledger's version alone then places the delete)
     */
    static ChangeEvent deleteOf(long noteId, Instant goneBy) {
        ChangeEvent delete = ChangeEvents.of(Input.RECONCILE, SourceTable.ALIGNER_NOTES, Op.DELETE, Map.of("note_id", noteId), null);
        return goneBy == null ? delete : delete.withPosition(new SourcePosition(0, goneBy));
    }

    /** The keys of {@code from} that {@code in} lacks; both ascending. */
    static List<Long> missingFrom(long[] from, long[] in) {
        List<Long> missing = new ArrayList<>();
        int j = 0;
        for (long key : from) {
            while (j < in.length && in[j] < key) {
                j++;
            }
            if (j >= in.length || in[j] != key) {
                missing.add(key);
            }
        }
        return missing;
    }

    private static final class GuardException extends Exception {
        final DeleteGuard.Refusal refusal;

        GuardException(DeleteGuard.Refusal refusal) {
            super(refusal.message());
            this.refusal = refusal;
        }
    }
}
