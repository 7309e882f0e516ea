package com.alignersync.sink;

/** What the sink did with one change event. */
public enum Outcome {
    /** The target was written. */
    APPLIED,
    /** Newest version, but the target already held these values: recorded, nothing written (no echo). */
    UNCHANGED,
    /** Same version and content as already applied. */
    DUPLICATE,
    /** Older than the version already applied. */
    STALE,
    /** Same version as applied, different content, lost the tie-break. */
    CONFLICT,
    /** A newer version of the same key in the same batch was applied instead. */
    SUPERSEDED,
    /** Valid but not for the clinic (a Lab note, a batch change that leaves days alone). */
    IGNORED,
    /** Can never apply (key conflict, unknown batch, constraint); parked in data/dead-letter. */
    DEAD_LETTER
}
