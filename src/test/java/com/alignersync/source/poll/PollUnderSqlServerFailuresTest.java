package com.alignersync.source.poll;

import static com.alignersync.source.poll.support.PollFixture.NOW;
import static com.alignersync.source.poll.support.PollFixture.clinicBatches;
import static com.alignersync.source.poll.support.PollFixture.config;
import static com.alignersync.source.poll.support.PollFixture.pg;
import static com.alignersync.source.poll.support.PollFixture.poller;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.PollConfig.NotesCursor;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.support.HostileClinicTarget;
import com.alignersync.sink.support.HostileSqlServer.Effect;
import com.alignersync.sink.support.SqlServerError;
import com.alignersync.source.poll.support.PollFixture;
import com.alignersync.source.poll.support.PortalBehindRest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A poll page holding a row SQL Server refuses, or meeting a misconfigured sink. */
class PollUnderSqlServerFailuresTest extends PortalBehindRest {

    @TempDir
    Path dataDir;
    HostileClinicTarget clinic;

    @BeforeEach
    void setUp() throws Exception {
        clinic = new HostileClinicTarget();
    }

    @AfterEach
    void tearDown() {
        clinic.close();
    }

    private void portalBatches(int from, int to, Instant updatedAt) throws Exception {
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days, updated_at)"
                + " SELECT g, 1, 10, " + pg(updatedAt) + " FROM generate_series(" + from + ", " + to + ") g");
    }

    @Test
    void aPoisonedRowOnAPollPageIsParkedAndTheCursorMovesPastIt() throws Exception {
        Instant t = NOW.minus(1, ChronoUnit.HOURS);
        portalBatches(1, 200, t);
        clinicBatches(clinic, 1, 200);
        clinic.hostile().triggerFails("dbo.tblAlignerBatches", 77, SqlServerError.TRIGGER_THROW, Effect.DOOM, -1);
        Poller poller = poller(config(rest.restUrl(), 1000, Duration.ofSeconds(10), NotesCursor.CREATED_EDITED), clinic, dataDir);

        PollSummary summary = poller.poll();

        assertTrue(summary.ok(), () -> String.valueOf(summary.error()));
        StreamCounts batches = summary.streams().stream().filter(s -> s.stream().equals("aligner_batches.updated_at")).findFirst().orElseThrow();
        assertEquals(199, batches.count(Outcome.APPLIED));
        assertEquals(1, batches.count(Outcome.DEAD_LETTER));
        assertEquals(14, ((Number) clinic.batch(77).get("DAYS")).intValue());
        assertEquals(new KeysetCursor(t, 200L), poller.cursors().get("aligner_batches.updated_at"));
    }

    @Test
    void aMisconfiguredSinkKeepsTheCursorAndParksNothing() throws Exception {
        Instant t = NOW.minus(1, ChronoUnit.HOURS);
        portalBatches(1, 5, t);
        clinicBatches(clinic, 1, 5);
        clinic.hostile().statementFails("dbo.tblAlignerBatches", 3, SqlServerError.PERMISSION_DENIED, -1);
        Poller poller = poller(config(rest.restUrl(), 1000, Duration.ofSeconds(10), NotesCursor.CREATED_EDITED), clinic, dataDir);

        PollSummary summary = poller.poll();

        assertFalse(summary.ok());
        assertTrue(summary.error().message().contains("aligner-sync check"), summary.error().message());
        assertEquals(null, poller.cursors().get("aligner_batches.updated_at"));
        assertEquals(14, ((Number) clinic.batch(1).get("DAYS")).intValue(), "nothing of the page is committed");
    }
}
