package com.alignersync.source.poll;

import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Rows of one stream's read dated after the portal's clock: warned about (log, status), applied all the same. */
final class FutureRows {

    private static final Logger log = LoggerFactory.getLogger(FutureRows.class);

    private int count;
    private KeysetCursor latest;
    private Instant portalNow;

    void note(PolledPage page, Instant now) {
        // The Date header has one-second precision: only a row more than a second ahead is "in the future".
        Instant limit = now.plusSeconds(1);
        for (KeysetCursor position : page.placed()) {
            if (position.ts().isAfter(limit)) {
                count++;
                latest = latest == null || position.isAfter(latest) ? position : latest;
                portalNow = now;
            }
        }
    }

    /** The warning about this read's future-dated rows (also logged), or empty when there were none. */
    Optional<String> report(CursorStream stream) {
        if (count == 0) {
            return Optional.empty();
        }
        String warning = stream.name() + ": " + count + " row(s) dated after the portal's clock (" + portalNow + "), latest "
                + latest + "; applied, the cursor stays at the portal's clock minus " + PollCursors.CLOCK_MARGIN.toSeconds()
                + " s (check the clock of whatever wrote them)";
        log.warn("poll {}", warning);
        return Optional.of(warning);
    }
}
