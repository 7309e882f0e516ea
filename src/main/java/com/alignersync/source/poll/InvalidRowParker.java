package com.alignersync.source.poll;

import com.alignersync.event.Input;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.source.poll.PolledPage.InvalidRow;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parks the rows a page could not turn into changes as raw dead letters, each once. The overlap
 * window re-reads rows at or behind the stored cursor: an earlier poll parked those already. A
 * row no cursor can pass (its time unreadable, or after the portal's clock) is re-read by every
 * poll, so it is parked once per run of the daemon instead.
 */
final class InvalidRowParker {

    private final DeadLetterLog deadLetters;
    private final Set<String> parkedOncePerRun = ConcurrentHashMap.newKeySet();

    InvalidRowParker(DeadLetterLog deadLetters) {
        this.deadLetters = deadLetters;
    }

    /**
     * @param stored    the stream's stored cursor when this read began
     * @param portalNow the portal's clock when it answered this page
     * @return how many rows were parked now
     */
    int park(CursorStream stream, List<InvalidRow> invalid, KeysetCursor stored, Instant portalNow) {
        Instant cursorBound = portalNow.minus(PollCursors.CLOCK_MARGIN);
        int parked = 0;
        for (InvalidRow row : invalid) {
            boolean fresh = row.position() != null && !row.position().ts().isAfter(cursorBound)
                    ? row.position().isAfter(stored)
                    : parkedOncePerRun.add(stream.name() + "#" + row.row().path(stream.keyColumn()).asText()
                            + "#" + row.row().path(stream.tsColumn()).asText());
            if (fresh) {
                deadLetters.parkRaw(Input.POLL, row.reason(), row.row());
                parked++;
            }
        }
        return parked;
    }
}
