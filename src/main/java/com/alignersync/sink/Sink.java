package com.alignersync.sink;

import com.alignersync.event.ChangeEvent;
import java.util.List;

/**
 * The one sink every input feeds, as the inputs see it: hand it a batch, learn what happened to
 * each change once it committed, or that nothing of the batch is done. {@link SqlServerSink} is
 * the implementation; the inputs, reconcile and verify depend on this alone.
 */
public interface Sink {

    /**
     * Applies a batch; every event reported APPLIED or UNCHANGED is committed with its ledger entry.
     *
     * @throws SinkUnavailableException the batch is not done: the caller must not advance its position
     */
    BatchResult apply(List<ChangeEvent> events) throws SinkUnavailableException;

    /** What {@link #apply} would decide, without writing (a dry run). */
    List<Outcome> preview(List<ChangeEvent> events) throws SinkUnavailableException;

    /** What the last attempts said about SQL Server, for status and readiness. */
    SinkHealth health();

    /** Checks that SQL Server answers and the ledger exists; the message names the fix. */
    void checkReady() throws SinkUnavailableException;
}
