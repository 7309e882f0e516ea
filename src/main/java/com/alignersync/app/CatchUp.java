package com.alignersync.app;

import com.alignersync.reconcile.ReconcileService;
import com.alignersync.source.poll.PollInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the daemon runs when it cannot be sure replication delivered every change: the poller
 * reads the rows that exist from its cursor, then reconcile finds the deletes the poll cannot
 * see. Either may be off; then what it would have caught is said in the log.
 */
final class CatchUp {

    private static final Logger log = LoggerFactory.getLogger(CatchUp.class);

    private final PollInput poll;
    private final ReconcileService reconcile;

    /** @param poll null when the poll input is off; @param reconcile null when the portal cannot be listed */
    CatchUp(PollInput poll, ReconcileService reconcile) {
        this.poll = poll;
        this.reconcile = reconcile;
    }

    /**
     * No stored CDC position: whatever happened before the slot existed (or since offsets were
     * removed) reached SQL Server only through webhooks and polls, and deletes only through
     * webhooks. The start-up poll brings the rows that exist; reconcile the deletes (it needs no
     * poll before it).
     */
    void atStartWithoutOffsets() {
        if (reconcile != null) {
            reconcile.runSoon("start without stored CDC offsets");
        }
    }

    /**
     * The slot was lost or dropped: changes may have happened that replication will never
     * deliver. Asynchronous, as the alarm is raised on the CDC thread.
     */
    void afterSlotAlarm() {
        String reason = "slot alarm";
        if (poll == null) {
            log.error("daemon: {} asks for a catch-up, but the poll input is disabled: changes made while the slot was gone"
                    + " reach SQL Server only through webhooks; enable poll.enabled to catch up", reason);
        }
        Thread catchUp = new Thread(() -> {
            try {
                if (poll != null) {
                    log.warn("daemon: catch-up poll after {}", reason);
                    poll.pollNow();
                }
                if (reconcile != null) {
                    log.warn("daemon: reconcile after {} (deletes the poll cannot see)", reason);
                    reconcile.runSoon(reason);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.info("daemon: the catch-up after {} was not run: the daemon is stopping", reason);
            }
        }, "catch-up-poll");
        catchUp.setDaemon(true);
        catchUp.start();
    }
}
