package com.alignersync.sink;

import java.time.Duration;

/**
 * Where dedup is decided: the rules of DESIGN.md section 5, as one pure function of the
 * ledger entry, the incoming copy and the clock, returning the verdict and the ledger entry
 * to keep.
 *
 * <p>Two-way rules (DESIGN.md section 9, docs/two-way.md) live here too, because the clinic's
 * forward sync sends every change of {@code Days} or a note back to the portal, and from there
 * it returns through all three inputs:
 * <ul>
 *   <li><b>Rule 6, same content</b>: a newer version whose content hash equals what was last
 *       applied is not a change of the portal: the ledger's version advances, nothing is
 *       written. So a portal row bumped by something else (a forward-synced delivery date) never
 *       writes its old {@code days} over an edit the clinic made since.</li>
 *   <li><b>Echo</b>: when the daemon supersedes a content it wrote itself less than the echo
 *       window ({@code sink.echo-window-seconds}) ago, the forward sync may still be carrying that older content to
 *       the portal. A copy of exactly that content with a version inside the window is that
 *       echo: the version advances, nothing is written. Without this, two concurrent edits
 *       (doctor 10, clinic 12) ping-pong for ever: the daemon writes 10, the forward sync echoes
 *       10, CDC brings 12, the daemon writes 12, the echo of 10 arrives, and so on.</li>
 *   <li><b>Equal versions</b>: for two CDC copies the later LSN wins (commit order is the
 *       truth); otherwise the greater content hash wins, so the outcome never depends on
 *       arrival order and never flips.</li>
 * </ul>
 */
public final class DedupRules {

    public enum Verdict {
        /** No entry, or a newer version with new content: apply it. */
        APPLY,
        /** Same version, different content, and this copy wins the tie-break: apply it. */
        APPLY_CONFLICT_WINNER,
        /** Same version, same content: already applied. */
        DUPLICATE,
        /** Older than what was applied (including anything older than a tombstone). */
        STALE,
        /** Same version, different content, and the applied content wins the tie-break. */
        CONFLICT_LOSER,
        /** Rule 6: newer version, content equal to what was last applied; the version advances, nothing is written. */
        SAME_CONTENT,
        /** The forward sync's echo of a content the daemon wrote and has since superseded; the version advances, nothing is written. */
        ECHO;

        public boolean applies() {
            return this == APPLY || this == APPLY_CONFLICT_WINNER;
        }
    }

    /** Which rule settled an equal-version conflict. */
    public enum TieBreak { NONE, LSN, CONTENT_HASH }

    /**
     * One incoming copy as the rules see it.
     *
     * @param lsn the CDC event's LSN, null for the other inputs
     */
    public record Incoming(long version, String contentHash, boolean tombstone, Long lsn) {
    }

    /** The verdict and the ledger entry to keep afterwards ({@code next} equals the old entry when nothing moves). */
    public record Decision(Verdict verdict, LedgerEntry next, TieBreak tieBreak) {
    }

    private DedupRules() {
    }

    /**
     * A repair copy ({@code verify --repair}) re-asserts the portal's current row: SQL Server was
     * changed behind the ledger's back, so a verdict that writes nothing because the ledger
     * already holds this content (a duplicate, rule 6's same content) writes again; the writer
     * still touches only the columns that differ, and the ledger keeps its two-way bookkeeping
     * (LSN, echo window). An echo is never written, repair or not (that would restart the
     * ping-pong), older copies stay stale, and an equal-version conflict is decided as for any copy.
     */
    public static Decision decideRepair(LedgerEntry applied, Incoming in, long nowMicros, Duration echoWindow) {
        Decision decision = decide(applied, in, nowMicros, echoWindow);
        return switch (decision.verdict()) {
            case DUPLICATE, SAME_CONTENT -> new Decision(Verdict.APPLY, decision.next(), TieBreak.NONE);
            default -> decision;
        };
    }

    /** The verdict alone, for a copy without LSN and without echo bookkeeping ({@code repair}: see {@link #decideRepair}). */
    public static Verdict decide(LedgerEntry applied, long version, String contentHash, boolean repair) {
        Incoming in = new Incoming(version, contentHash, false, null);
        return (repair ? decideRepair(applied, in, 0, Duration.ZERO) : decide(applied, in, 0, Duration.ZERO)).verdict();
    }

    /** The verdict alone, for a copy without LSN and without echo bookkeeping. */
    public static Verdict decide(LedgerEntry applied, long version, String contentHash) {
        return decide(applied, new Incoming(version, contentHash, false, null), 0, Duration.ZERO).verdict();
    }

    /**
     * @param nowMicros  the daemon's clock in epoch microseconds (when an echo window closes)
     * @param echoWindow how long after the daemon wrote a content its echo may come back through the
     *                   clinic's forward sync (trigger to portal to input): longer than any forward-sync
     *                   delay, short, because within it a doctor who sets a batch back to a value the
     *                   daemon has just superseded is taken for an echo (docs/two-way.md says so);
     *                   zero turns the rule off
     */
    public static Decision decide(LedgerEntry applied, Incoming in, long nowMicros, Duration echoWindow) {
        if (applied == null) {
            return new Decision(Verdict.APPLY, fresh(in, null, null), TieBreak.NONE);
        }
        if (in.version() > applied.version()) {
            if (in.contentHash().equals(applied.contentHash())) {
                return new Decision(Verdict.SAME_CONTENT, applied.advancedTo(in.version(), in.lsn()), TieBreak.NONE);
            }
            if (applied.isEcho(in.version(), in.contentHash())) {
                return new Decision(Verdict.ECHO, applied.advancedTo(in.version(), in.lsn()), TieBreak.NONE);
            }
            return new Decision(Verdict.APPLY, superseding(applied, in, nowMicros, echoWindow), TieBreak.NONE);
        }
        if (in.version() < applied.version()) {
            return new Decision(Verdict.STALE, applied, TieBreak.NONE);
        }
        if (in.contentHash().equals(applied.contentHash())) {
            return new Decision(Verdict.DUPLICATE, applied, TieBreak.NONE);
        }
        if (applied.isEcho(in.version(), in.contentHash())) {
            // The same echo again (at-least-once redelivery): the ledger already moved past it.
            return new Decision(Verdict.ECHO, applied, TieBreak.NONE);
        }
        boolean incomingWins;
        TieBreak tieBreak;
        if (in.lsn() != null && applied.lsn() != null && !in.lsn().equals(applied.lsn())) {
            incomingWins = in.lsn() > applied.lsn();
            tieBreak = TieBreak.LSN;
        } else {
            incomingWins = in.contentHash().compareTo(applied.contentHash()) > 0;
            tieBreak = TieBreak.CONTENT_HASH;
        }
        return incomingWins
                ? new Decision(Verdict.APPLY_CONFLICT_WINNER, superseding(applied, in, nowMicros, echoWindow), tieBreak)
                : new Decision(Verdict.CONFLICT_LOSER, applied, tieBreak);
    }

    /**
     * The entry after a new content replaces {@code applied}. If the daemon wrote the replaced
     * content recently, its echo may still be on its way: remember it until the window closes.
     * Only one superseded content is remembered, the most recent, as the forward sync sends
     * changes in order and the older echoes arrive first.
     */
    private static LedgerEntry superseding(LedgerEntry applied, Incoming in, long nowMicros, Duration echoWindow) {
        long window = echoWindow.toNanos() / 1000;
        if (window > 0 && applied.writtenAt() != null && applied.writtenAt() + window > nowMicros) {
            return fresh(in, applied.contentHash(), applied.writtenAt() + window);
        }
        if (window > 0 && applied.echoHash() != null && applied.echoUntil() != null && applied.echoUntil() > nowMicros) {
            return fresh(in, applied.echoHash(), applied.echoUntil());
        }
        return fresh(in, null, null);
    }

    private static LedgerEntry fresh(Incoming in, String echoHash, Long echoUntil) {
        if (echoHash != null && echoHash.equals(in.contentHash())) {
            echoHash = null;
            echoUntil = null;
        }
        return new LedgerEntry(in.version(), in.contentHash(), in.tombstone(), in.lsn(), null, echoHash, echoUntil);
    }
}
