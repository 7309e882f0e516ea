package com.alignersync.twoway;

import static com.alignersync.source.poll.support.PollFixture.NOW;
import static com.alignersync.source.poll.support.PollFixture.clinicBatches;
import static com.alignersync.source.poll.support.PollFixture.config;
import static com.alignersync.source.poll.support.PollFixture.pg;
import static com.alignersync.source.poll.support.PollFixture.poller;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.source.poll.KeysetCursor;
import com.alignersync.source.poll.PollInput;
import com.alignersync.source.poll.PollSummary;
import com.alignersync.source.poll.Poller;
import com.alignersync.source.poll.support.PollFixture;
import com.alignersync.source.poll.support.PortalBehindRest;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Odd timestamps never blind the poller: a row stamped in the future (a client clock ahead,
 * local time stored as UTC) is applied but never becomes the cursor beyond the portal's own
 * clock (PostgREST's {@code Date} header); a row whose timestamp cannot be read is parked and
 * the poll goes on.
 */
class FutureDatedRowsTest extends PortalBehindRest {

    @TempDir
    Path dataDir;
    H2ClinicTarget clinic;

    @BeforeEach
    void setUp() throws Exception {
        clinic = new H2ClinicTarget();
        clinicBatches(clinic, 1, 3);
    }

    @AfterEach
    void tearDown() {
        clinic.close();
    }

    private void portalBatch(int id, String updatedAt) throws Exception {
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days, updated_at) VALUES (" + id + ", 1, 10, "
                + updatedAt + ")");
    }

    private int daysOf(long batchId) throws Exception {
        return ((Number) clinic.batch(batchId).get("DAYS")).intValue();
    }

    @Test
    void aFutureDatedRowIsAppliedButNeverMovesTheCursorPastThePortalsClock() throws Exception {
        Instant portalNow = Instant.now();
        portalBatch(1, pg(portalNow.minus(1, ChronoUnit.HOURS)));
        portalBatch(2, pg(portalNow.plus(3, ChronoUnit.DAYS)));
        Poller poller = poller(config(rest.restUrl()), clinic, dataDir);
        PollInput input = new PollInput(poller, Duration.ofMinutes(60), Clock.fixed(NOW, ZoneOffset.UTC));

        PollSummary first = input.pollNow();

        assertTrue(first.ok(), () -> String.valueOf(first.error()));
        assertEquals(10, daysOf(2), "the future-dated row is still applied");
        KeysetCursor cursor = poller.cursors().get("aligner_batches.updated_at");
        assertFalse(cursor.ts().isAfter(Instant.now().minusSeconds(5)), "cursor " + cursor + " is behind the portal's clock");
        @SuppressWarnings("unchecked")
        List<String> warnings = (List<String>) input.statusSnapshot().get("warnings");
        assertTrue(warnings != null && warnings.get(0).contains("dated after the portal's clock"), String.valueOf(warnings));

        // An ordinary edit made after that poll, stamped by the portal's clock.
        portalBatch(3, "now()");
        assertTrue(input.pollNow().ok());
        assertEquals(10, daysOf(3), "the next poll still sees rows newer than the cursor, not only rows after the future one");
    }

    @Test
    void aRowWhoseTimestampCannotBeReadIsParkedAndThePollGoesOn() throws Exception {
        portalBatch(1, pg(NOW.minus(1, ChronoUnit.HOURS)));
        portalBatch(2, "'infinity'");
        Poller poller = poller(config(rest.restUrl()), clinic, dataDir);
        DeadLetterLog deadLetters = new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC());

        PollSummary first = poller.poll();

        assertTrue(first.ok(), () -> String.valueOf(first.error()));
        assertEquals(10, daysOf(1));
        assertEquals(14, daysOf(2), "not applied");
        assertEquals(1, deadLetters.count(), "parked once");
        assertEquals(new KeysetCursor(NOW.minus(1, ChronoUnit.HOURS), 1L), poller.cursors().get("aligner_batches.updated_at"));

        portalBatch(3, pg(NOW.minus(1, ChronoUnit.MINUTES)));
        assertTrue(poller.poll().ok());
        assertEquals(10, daysOf(3));
        assertEquals(1, deadLetters.count(), "re-read by every poll, parked only once");
    }
}
