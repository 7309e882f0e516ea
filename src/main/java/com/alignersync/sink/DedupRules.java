package com.alignersync.sink;

/**
 * Where dedup is decided: the rules of DESIGN.md section 5, as one pure function of the
 * ledger entry and the incoming version and content.
 */
public final class DedupRules {

    public enum Verdict {
        /** No entry, or a newer version: apply it. */
        APPLY,
        /** Same version, different content, and this content wins the deterministic tie-break: apply it. */
        APPLY_CONFLICT_WINNER,
        /** Same version, same content: already applied. */
        DUPLICATE,
        /** Older than what was applied (including anything older than a tombstone). */
        STALE,
        /** Same version, different content, and the applied content wins the tie-break. */
        CONFLICT_LOSER;

        public boolean applies() {
            return this == APPLY || this == APPLY_CONFLICT_WINNER;
        }
    }

    private DedupRules() {
    }

    /**
     * Two copies with the same version but different content cannot both be right; the one
     * with the greater content hash wins. The rule depends only on the two contents, never on
     * arrival order, so whichever input delivers first the outcome is the same and never flips.
     */
    /**
     * A repair copy ({@code verify --repair}) re-asserts what the ledger already applied: SQL
     * Server was changed behind the ledger's back, so "same version, same content" must write
     * again (the writer still writes only the columns that differ). Older copies stay stale.
     */
    public static Verdict decide(LedgerEntry applied, long version, String contentHash, boolean repair) {
        Verdict verdict = decide(applied, version, contentHash);
        return repair && verdict == Verdict.DUPLICATE ? Verdict.APPLY : verdict;
    }

    public static Verdict decide(LedgerEntry applied, long version, String contentHash) {
        if (applied == null || version > applied.version()) {
            return Verdict.APPLY;
        }
        if (version < applied.version()) {
            return Verdict.STALE;
        }
        int tieBreak = contentHash.compareTo(applied.contentHash());
        if (tieBreak == 0) {
            return Verdict.DUPLICATE;
        }
        return tieBreak > 0 ? Verdict.APPLY_CONFLICT_WINNER : Verdict.CONFLICT_LOSER;
    }
}
