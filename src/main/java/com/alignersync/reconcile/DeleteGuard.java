package com.alignersync.reconcile;

import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one check every path passes that deletes a note because the portal did not list it
 * (reconcile, {@code verify --repair}).
 *
 * <p>PostgREST answers a key it cannot see exactly as a key that is gone: row-level security
 * hiding rows from a key that is not the service role (or secret) key, a wrong key, a
 * {@code supabase.url} of another project all come back {@code 200 []}. The portal's own count
 * ({@code Prefer: count=exact}) cannot tell them apart either: it runs under the same row-level
 * security, so a blinded key counts 0 just as an emptied table does. Only the ledger knows how many
 * notes the sync wrote, so the listing is judged against it:
 * <ul>
 * <li>an empty listing while there is something to delete deletes nothing, whatever the count
 *     says (a count of 0 that agrees is the blind key's signature as much as a real wipe);</li>
 * <li>a listing that would delete more than half of the ledger's notes deletes nothing, however few
 *     they are (a signed-in user's key sees that user's rows only);</li>
 * <li>more than {@code reconcile.max-delete-percent} of them and more than {@link #FLOOR} deletes nothing
 *     (100 turns this rule off, never the two above).</li>
 * </ul>
 * The count serves the alarm: it says whether the portal itself sees no row (the key, the
 * project, or a real wipe) or counted rows the listing lacks (deleted meanwhile, or lost by the listing).
 *
 * <p>A refusal is logged at ERROR with its cause and the fix, and returned for the path to report.
 * Only an operator's {@code reconcile --allow-mass-delete} passes it, for that one run.
 */
public final class DeleteGuard {

    private static final Logger log = LoggerFactory.getLogger(DeleteGuard.class);

    /** Up to this many deletes the percentage rule never refuses: a small clinic's doctor deleting a few notes is real. */
    static final int FLOOR = 10;

    /** Why deletes were refused. */
    public enum Cause {
        EMPTY_LISTING, MORE_THAN_HALF, OVER_MAX_DELETE_PERCENT;

        /** As status and JSON show it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A refusal: its cause and the message naming the fix (also logged at ERROR). */
    public record Refusal(Cause cause, String message) {
    }

    private final int maxDeletePercent;
    private final boolean massDeleteAllowed;

    /** @param maxDeletePercent {@code reconcile.max-delete-percent} */
    public DeleteGuard(int maxDeletePercent) {
        this(maxDeletePercent, false);
    }

    private DeleteGuard(int maxDeletePercent, boolean massDeleteAllowed) {
        this.maxDeletePercent = maxDeletePercent;
        this.massDeleteAllowed = massDeleteAllowed;
    }

    /**
     * For one pass an operator starts after checking {@code --dry-run}: the portal's notes really
     * were deleted (a project reset). What the rules would have refused is still logged, at WARN.
     */
    public DeleteGuard allowingMassDelete() {
        return new DeleteGuard(maxDeletePercent, true);
    }

    /**
     * @param path        who deletes ({@code reconcile}, {@code verify --repair}), for the log
     * @param ledgerNotes the notes the ledger holds as written and not deleted
     * @param listed      the notes the portal listed
     * @param portalCount PostgREST's count of them (null when it gave none)
     * @param toDelete    the ledger's notes the listing lacks: what would be deleted
     * @return the refusal; empty when the deletes may go ahead
     */
    public Optional<Refusal> check(String path, long ledgerNotes, long listed, Long portalCount, long toDelete) {
        Refusal refusal = judge(ledgerNotes, listed, portalCount, toDelete);
        if (refusal == null) {
            return Optional.empty();
        }
        if (massDeleteAllowed) {
            log.warn("{}: the delete guard would refuse ({}), deleting anyway as --allow-mass-delete asks: {}", path,
                    refusal.cause().label(), refusal.message());
            return Optional.empty();
        }
        log.error("{}: deletes refused by the delete guard ({}): {}", path, refusal.cause().label(), refusal.message());
        return Optional.of(refusal);
    }

    private Refusal judge(long ledgerNotes, long listed, Long portalCount, long toDelete) {
        if (toDelete == 0) {
            return null;
        }
        String seen = counted(listed, portalCount);
        if (listed == 0) {
            return new Refusal(Cause.EMPTY_LISTING, "the portal listed no notes while the ledger holds " + ledgerNotes
                    + " the sync wrote (" + seen + "); nothing deleted. An empty listing is what row-level security shows a key that"
                    + " is not the service role key (an anon or a signed-in user's key), and what a wrong key or a supabase.url of"
                    + " another project show. " + FIX);
        }
        if (toDelete * 2 > ledgerNotes) {
            return new Refusal(Cause.MORE_THAN_HALF, toDelete + " of the " + ledgerNotes + " notes the ledger holds are not among the "
                    + listed + " the portal listed (" + seen + "), more than half; nothing deleted. A listing far smaller than the ledger"
                    + " is what row-level security shows a signed-in user's key (that user's rows only), and what a supabase.url of"
                    + " another project shows. " + FIX);
        }
        if (toDelete > FLOOR && toDelete * 100 > (long) maxDeletePercent * ledgerNotes) {
            return new Refusal(Cause.OVER_MAX_DELETE_PERCENT, toDelete + " of the " + ledgerNotes + " notes the ledger holds are not"
                    + " among the " + listed + " the portal listed (" + seen + "), more than reconcile.max-delete-percent ("
                    + maxDeletePercent + "%); nothing deleted. Row-level security hides rows from any key but the service role"
                    + " key. " + FIX + " If the deletes are real, raising reconcile.max-delete-percent also lets them through.");
        }
        return null;
    }

    private static final String FIX = "Fix: set supabase.service-role-key to the project's service role (or sb_secret_...) key and"
            + " check that supabase.url is the clinic's project; 'aligner-sync reconcile --dry-run' lists what would be deleted. If the"
            + " portal's notes really were deleted, run 'aligner-sync reconcile --allow-mass-delete' once.";

    /** What the portal said of itself, for telling "sees no row" from "the listing lost rows". */
    private static String counted(long listed, Long portalCount) {
        if (portalCount == null) {
            return "PostgREST gave no count";
        }
        if (portalCount == 0) {
            return "PostgREST's own count is 0 too: this key sees no row of the table";
        }
        if (portalCount > listed) {
            return "PostgREST counts " + portalCount + " rows but listed " + listed + ": rows deleted meanwhile, or the listing lost some";
        }
        return "PostgREST counts " + portalCount;
    }
}
