package com.alignersync.twoway;

import static com.alignersync.source.poll.support.PollFixture.NOW;
import static com.alignersync.source.poll.support.PollFixture.config;
import static com.alignersync.source.poll.support.PollFixture.pg;
import static com.alignersync.source.poll.support.PollFixture.poller;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.sink.Outcome;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.source.poll.PollSummary;
import com.alignersync.source.poll.Poller;
import com.alignersync.source.poll.support.PollFixture;
import com.alignersync.source.poll.support.PortalBehindRest;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule 6 (DESIGN.md section 5): a poll row carries no old row, so "did the portal's days
 * change?" is decided against what the ledger says was last applied. The clinic's own edit of
 * Days, not yet forwarded to the portal, must survive a portal row bumped for another reason.
 */
class ClinicEditSurvivesPollTest extends PortalBehindRest {

    @TempDir
    Path dataDir;
    H2ClinicTarget clinic;

    @BeforeEach
    void setUp() throws Exception {
        clinic = new H2ClinicTarget();
    }

    @AfterEach
    void tearDown() {
        clinic.close();
    }

    private int daysOf(long batchId) throws Exception {
        return ((Number) clinic.batch(batchId).get("DAYS")).intValue();
    }

    @Test
    void pollNeverRevertsTheClinicsDaysEdit() throws Exception {
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days, updated_at) VALUES (7, 1, 10, "
                + pg(NOW.minus(2, ChronoUnit.HOURS)) + ")");
        clinic.insertBatch(7, 1, 14);
        Poller poller = poller(config(rest.restUrl()), clinic, dataDir);
        assertTrue(poller.poll().ok());
        assertEquals(10, daysOf(7), "the doctor's edit flows back");

        // The clinic changes Days; its forward sync is late, so the portal still says 10.
        clinic.update("UPDATE dbo.tblAlignerBatches SET Days = 21 WHERE AlignerBatchID = 7");
        // Something else bumps the portal row (a forward-synced delivery date): a newer version, same days.
        portal.execute("UPDATE aligner_batches SET notes = 'delivered', updated_at = " + pg(NOW.minus(1, ChronoUnit.HOURS))
                + " WHERE aligner_batch_id = 7");
        int writesBefore = clinic.writes();
        PollSummary second = poller.poll();

        assertTrue(second.ok(), () -> String.valueOf(second.error()));
        assertEquals(21, daysOf(7), "the clinic's Days is not reverted by a stale portal copy");
        assertEquals(writesBefore, clinic.writes(), "nothing written");
        assertEquals(1, second.streams().stream().mapToInt(s -> s.count(Outcome.UNCHANGED)).sum());

        // A real portal change of days after that still flows back.
        portal.execute("UPDATE aligner_batches SET days = 28, updated_at = " + pg(NOW.minus(30, ChronoUnit.MINUTES))
                + " WHERE aligner_batch_id = 7");
        assertTrue(poller.poll().ok());
        assertEquals(28, daysOf(7));
    }

    @Test
    void pollNeverRevertsTheClinicsNoteEdit() throws Exception {
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text, created_at, is_read) VALUES"
                + " (5, 1, 'Doctor', 'use attachments', " + pg(NOW.minus(2, ChronoUnit.HOURS)) + ", false)");
        Poller poller = poller(config(rest.restUrl()), clinic, dataDir);
        assertTrue(poller.poll().ok());
        assertEquals("use attachments", clinic.note(5).get("NOTETEXT"));

        clinic.update("UPDATE dbo.tblAlignerNotes SET IsRead = 1 WHERE NoteID = 5");
        // Only created_at moves in the portal (a migration re-stamped it): not content that flows back.
        portal.execute("UPDATE aligner_notes SET created_at = " + pg(NOW.minus(1, ChronoUnit.HOURS)) + " WHERE note_id = 5");
        assertTrue(poller.poll().ok());

        assertEquals(true, clinic.note(5).get("ISREAD"), "the clinic's read flag is not reverted");
    }
}
