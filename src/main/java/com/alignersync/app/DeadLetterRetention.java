package com.alignersync.app;

import com.alignersync.sink.DeadLetterLog;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code data.dead-letter-retention-days}: dead letters hold whole rows, note text included, so
 * an operator may have them deleted once they are older than a number of days, whether replayed
 * or not. Runs inside the daemon, under the dead-letter log's own lock, so nothing an input parks
 * meanwhile is lost to the rewrite.
 */
final class DeadLetterRetention implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRetention.class);

    private final DeadLetterLog deadLetters;
    private final Duration retention;
    private final Clock clock;
    private ScheduledExecutorService scheduler;

    DeadLetterRetention(DeadLetterLog deadLetters, Duration retention, Clock clock) {
        this.deadLetters = deadLetters;
        this.retention = retention;
        this.clock = clock;
    }

    /** Deletes what was parked more than the retention ago; returns how many. */
    int purgeNow() {
        int purged = deadLetters.purgeParkedBefore(clock.instant().minus(retention));
        if (purged > 0) {
            log.info("dead letters: deleted {} parked more than {} days ago (data.dead-letter-retention-days)", purged, retention.toDays());
        }
        return purged;
    }

    /** Purges now and then once a day until closed. */
    void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "dead-letter-retention");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                purgeNow();
            } catch (RuntimeException e) {
                // A full disk or a file made unreadable by hand: the parked entries stay, the daemon goes on.
                log.warn("dead letters: the retention purge failed, nothing was deleted: {}", e.toString());
            }
        }, 0, 1, TimeUnit.DAYS);
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
