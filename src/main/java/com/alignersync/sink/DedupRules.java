package com.alignersync.sink;

import com.alignersync.event.FieldStamp;
import com.alignersync.event.Origin;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where dedup and the two-way rules are decided (docs/sink.md, docs/two-way.md), as one pure
 * function of the ledger entry and the incoming copy, returning the verdict, the ledger entry to
 * keep, and which synced fields (if any) to write.
 *
 * <p>The two-way rules, exactly (docs/two-way.md):
 * <ul>
 *   <li><b>Origin decides an echo, never a value.</b> The portal's setup trigger stamps each synced
 *       field (a batch's {@code days}; a note's text, and its read flag) with when it last changed
 *       and who changed it ({@link Origin}). A field changed by the clinic's forward sync since
 *       the ledger's version is recorded as seen and never written back; a field a doctor changed
 *       since then is written, whatever its value (read, unread, read; 10, 12, 10). A field whose
 *       stamp is not newer than the ledger was already seen: it is not written again, so a portal
 *       row bumped for another reason (a delivery note, the clinic's read flag) never carries an
 *       old value of another field back over SQL Server.</li>
 *   <li><b>Without stamps</b> (a portal not set up by this release's script) nothing is guessed:
 *       a newer version with content different from the ledger's is applied (rule 6 skips a copy
 *       whose content equals it); the sink's {@link PingPongBreaker} stops a key that loops.</li>
 *   <li><b>Versions are the portal's</b>, compared as they are: no cap, no re-dating by the
 *       daemon's clock (the setup trigger keeps each row's versions increasing).</li>
 *   <li><b>Equal versions</b>: for two CDC copies the later LSN wins (commit order is the truth);
 *       otherwise the greater content hash wins, so the outcome never depends on arrival order.</li>
 *   <li><b>A repair copy</b> ({@code verify --repair}) re-asserts the portal's current row where
 *       SQL Server was changed behind the ledger's back: it writes every field unless it is older
 *       than the ledger; it is never taken for the clinic's own change.</li>
 * </ul>
 */
public final class DedupRules {

    public enum Verdict {
        /** No entry, or a newer version with something to write: apply it. */
        APPLY,
        /** Same version, different content, and this copy wins the tie-break: apply it. */
        APPLY_CONFLICT_WINNER,
        /** Same version, same content: already applied. */
        DUPLICATE,
        /** Older than what was applied (including anything older than a tombstone). */
        STALE,
        /** Same version, different content, and the applied content wins the tie-break. */
        CONFLICT_LOSER,
        /** Rule 6: newer version, nothing changed in what flows back; the version advances, nothing is written. */
        SAME_CONTENT,
        /** Newer version, but what changed was changed by the clinic's forward sync: recorded as seen, never written back. */
        CLINIC_ORIGIN;

        public boolean applies() {
            return this == APPLY || this == APPLY_CONFLICT_WINNER;
        }
    }

    /** Which rule settled an equal-version conflict. */
    public enum TieBreak { NONE, LSN, CONTENT_HASH }

    /**
     * One incoming copy as the rules see it.
     *
     * @param lsn    the CDC event's LSN, null for the other inputs
     * @param stamps the row's field stamps, null when it carries none (a delete, an older portal)
     * @param repair a {@code verify --repair} copy
     */
    public record Incoming(long version, String contentHash, boolean tombstone, Long lsn, List<FieldStamp> stamps, boolean repair) {

        /** A copy without LSN, stamps or repair (tests, the dry run of a legacy portal). */
        public Incoming(long version, String contentHash, boolean tombstone) {
            this(version, contentHash, tombstone, null, null, false);
        }
    }

    /**
     * The verdict, the ledger entry to keep afterwards ({@code next} equals the old entry when
     * nothing moves), and the synced fields to write ({@link #ALL_FIELDS} for every field, empty
     * when nothing is written).
     */
    public record Decision(Verdict verdict, LedgerEntry next, TieBreak tieBreak, Set<String> fields) {
    }

    /** Every synced field: an unstamped copy, a delete, a repair. */
    public static final Set<String> ALL_FIELDS = Set.of("*");

    private DedupRules() {
    }

    /** The verdict alone, for a copy without LSN and without stamps. */
    public static Verdict decide(LedgerEntry applied, long version, String contentHash) {
        return decide(applied, new Incoming(version, contentHash, false)).verdict();
    }

    public static Decision decide(LedgerEntry applied, Incoming in) {
        LedgerEntry seen = applied == null
                ? new LedgerEntry(in.version(), in.contentHash(), in.tombstone(), in.lsn(), null)
                : applied.advancedTo(in.version(), in.contentHash(), in.tombstone(), in.lsn());
        if (applied == null || in.version() > applied.version()) {
            if (in.tombstone() || in.repair() || in.stamps() == null) {
                boolean same = applied != null && in.contentHash().equals(applied.contentHash()) && !in.repair();
                return same ? none(Verdict.SAME_CONTENT, seen) : new Decision(Verdict.APPLY, seen, TieBreak.NONE, ALL_FIELDS);
            }
            Set<String> fields = portalFieldsSince(applied, in.stamps());
            boolean clinicChanged = in.stamps().stream()
                    .anyMatch(stamp -> stamp.origin() == Origin.CLINIC && (applied == null || stamp.changedAt() > applied.version()));
            if (!fields.isEmpty()) {
                return new Decision(Verdict.APPLY, seen, TieBreak.NONE, fields);
            }
            return none(clinicChanged ? Verdict.CLINIC_ORIGIN : Verdict.SAME_CONTENT, seen);
        }
        if (in.version() < applied.version()) {
            return none(Verdict.STALE, applied);
        }
        if (in.contentHash().equals(applied.contentHash())) {
            return in.repair() ? new Decision(Verdict.APPLY, applied, TieBreak.NONE, ALL_FIELDS) : none(Verdict.DUPLICATE, applied);
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
                ? new Decision(Verdict.APPLY_CONFLICT_WINNER, seen, tieBreak, ALL_FIELDS)
                : new Decision(Verdict.CONFLICT_LOSER, applied, tieBreak, Set.of());
    }

    /**
     * The fields of the newest copy of a key that a doctor changed since {@code before} (the
     * ledger as the batch found it): what a batch holding several copies of one key writes. The
     * newest copy's stamps tell the last change of every field, so a doctor's text edit followed
     * in the same batch by the clinic's read flag writes the text and not the flag, and a doctor's
     * edit the clinic overwrote in the meantime writes nothing.
     */
    public static Set<String> portalFieldsSince(LedgerEntry before, List<FieldStamp> newest) {
        Set<String> fields = new LinkedHashSet<>();
        for (FieldStamp stamp : newest) {
            if ((before == null || stamp.changedAt() > before.version()) && stamp.origin() != Origin.CLINIC) {
                fields.add(stamp.field().name());
            }
        }
        return Set.copyOf(fields);
    }

    private static Decision none(Verdict verdict, LedgerEntry next) {
        return new Decision(verdict, next, TieBreak.NONE, Set.of());
    }
}
