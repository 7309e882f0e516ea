package com.alignersync.source.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.event.Input;
import com.alignersync.sink.Outcome;
import com.alignersync.support.PortalPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Changes made in the portal database flow through the running engine into the clinic target (DESIGN.md §3). */
class CdcFlowTest {

    static PortalPostgres portal;

    @TempDir
    Path dataDir;

    CdcRig rig;

    @BeforeAll
    static void startPortal() throws Exception {
        portal = PortalPostgres.startSetUp();
    }

    @AfterAll
    static void stopPortal() throws Exception {
        portal.close();
    }

    @BeforeEach
    void startInput() throws Exception {
        portal.execute("TRUNCATE aligner_notes, aligner_batches");
        rig = new CdcRig(portal, "flow", dataDir);
        rig.start();
    }

    @AfterEach
    void stopInput() throws Exception {
        rig.close();
        CdcRig.dropSlotIfExists(portal.dataSource(), "flow");
    }

    @Test
    void doctorNoteInsertUpdateAndDeleteReachTheTarget() throws Exception {
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (101, 7, 'Doctor', 'first text')");
        CdcRig.await("the note is inserted", () -> rig.target.note(101) != null);
        assertEquals("first text", rig.target.note(101).get("NOTETEXT"));

        portal.execute("UPDATE aligner_notes SET note_text = 'edited', is_edited = true, edited_at = now() WHERE note_id = 101");
        CdcRig.await("the edit arrives", () -> "edited".equals(rig.target.note(101).get("NOTETEXT")));
        assertEquals(Boolean.TRUE, rig.target.note(101).get("ISEDITED"));

        portal.execute("UPDATE aligner_notes SET is_read = true WHERE note_id = 101");
        CdcRig.await("the read flag arrives", () -> Boolean.TRUE.equals(rig.target.note(101).get("ISREAD")));

        portal.execute("DELETE FROM aligner_notes WHERE note_id = 101");
        CdcRig.await("the note is deleted", () -> rig.target.note(101) == null);
        assertEquals(4, rig.metrics.count(Input.CDC, Outcome.APPLIED), "insert, edit, read flag, delete: four applied changes");
    }

    @Test
    void aLongNoteKeepsItsTextWhenOnlyTheReadFlagChanges() throws Exception {
        // Random text does not compress, so Postgres stores it out of line (TOAST) and does not resend it unchanged.
        java.util.Random random = new java.util.Random(3);
        StringBuilder text = new StringBuilder();
        while (text.length() < 20_000) {
            text.append(Long.toString(random.nextLong(), 36)).append(' ');
        }
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (401, 7, 'Doctor', '" + text + "')");
        CdcRig.await("the long note lands", () -> rig.target.note(401) != null);

        portal.execute("UPDATE aligner_notes SET is_read = true WHERE note_id = 401");
        CdcRig.await("the read flag arrives", () -> Boolean.TRUE.equals(rig.target.note(401).get("ISREAD")));

        assertEquals(text.toString(), rig.target.note(401).get("NOTETEXT"));
        assertEquals(0, rig.deadLetters.count());
    }

    @Test
    void aRecordThatCannotBecomeAnEventIsParkedAndTheStreamGoesOn() throws Exception {
        // A portal schema drift: note_text loses NOT NULL, and a note arrives without text.
        portal.execute("ALTER TABLE aligner_notes ALTER COLUMN note_text DROP NOT NULL");
        try {
            portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (301, 7, 'Doctor', NULL)");
            portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (302, 7, 'Doctor', 'next one')");

            CdcRig.await("the next note lands and the bad one is parked",
                    () -> rig.target.note(302) != null && rig.deadLetters.count() == 1);
            assertNull(rig.target.note(301));
            var parked = rig.deadLetters.readAll();
            assertTrue(parked.get(0).reason().startsWith("after.note_text"), parked.get(0).reason());
            assertEquals(301, parked.get(0).raw().get("record").get("after").get("note_id").asInt());
            CdcRig.await("status counts it", () -> Long.valueOf(1).equals(rig.input().statusSnapshot().get("recordsParked")));
        } finally {
            portal.execute("DELETE FROM aligner_notes WHERE note_text IS NULL");
            portal.execute("ALTER TABLE aligner_notes ALTER COLUMN note_text SET NOT NULL");
        }
    }

    @Test
    void labNotesAndBatchChangesOtherThanDaysDoNotFlowBack() throws Exception {
        rig.target.insertBatch(500, 7, 10);
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days, notes) VALUES (500, 7, 10, 'lab delivery')");
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (201, 7, 'Lab', 'from the lab')");
        portal.execute("UPDATE aligner_batches SET notes = 'changed delivery notes', upper_aligner_count = 12 WHERE aligner_batch_id = 500");
        int writesBefore = rig.target.writes();

        portal.execute("UPDATE aligner_batches SET days = 14 WHERE aligner_batch_id = 500");
        CdcRig.await("the days change arrives", () -> Integer.valueOf(14).equals(rig.target.batch(500).get("DAYS")));

        assertNull(rig.target.note(201), "a Lab note never flows back");
        assertEquals("delivery notes", rig.target.batch(500).get("NOTES"), "only Days is ever written");
        assertEquals(writesBefore + 1, rig.target.writes(), "exactly one target write: the days change");
        assertEquals(1, rig.metrics.count(Input.CDC, Outcome.APPLIED));
        assertTrue(rig.metrics.count(Input.CDC, Outcome.IGNORED) + rig.metrics.count(Input.CDC, Outcome.UNCHANGED) >= 2,
                "the Lab note and the non-days changes were decided and skipped");
    }
}
