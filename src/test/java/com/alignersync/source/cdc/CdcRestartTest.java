package com.alignersync.source.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.event.Input;
import com.alignersync.sink.Outcome;
import com.alignersync.state.CorruptStateFileException;
import com.alignersync.state.OffsetFile;
import com.alignersync.state.StoredOffsets;
import com.alignersync.support.PortalPostgres;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** Offsets commit only after the sink commits: stops, crashes and a corrupt offsets file lose and repeat nothing. */
class CdcRestartTest {

    static PortalPostgres portal;

    @TempDir
    Path dataDir;

    CdcRig rig;
    String slot;

    @BeforeAll
    static void startPortal() throws Exception {
        portal = PortalPostgres.startSetUp();
    }

    @AfterAll
    static void stopPortal() throws Exception {
        portal.close();
    }

    @BeforeEach
    void setUp(TestInfo test) throws Exception {
        portal.execute("TRUNCATE aligner_notes, aligner_batches");
        slot = "restart_" + test.getTestMethod().orElseThrow().getName().toLowerCase().substring(0, 20);
        rig = new CdcRig(portal, slot, dataDir);
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
        CdcRig.await("the slot is released", () -> {
            CdcRig.dropSlotIfExists(portal.dataSource(), slot);
            return !CdcRig.slotExists(portal.dataSource(), slot);
        });
    }

    @Test
    void fiveHundredChangesMadeWhileStoppedAllLandOnceAfterStart() throws Exception {
        rig.start();
        rig.stop();
        try (Connection c = portal.dataSource().getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (?, 3, 'Doctor', ?)");
                 PreparedStatement update = c.prepareStatement("UPDATE aligner_notes SET note_text = ?, is_edited = true WHERE note_id = ?")) {
                for (int i = 1; i <= 250; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "note " + i);
                    insert.executeUpdate();
                }
                for (int i = 1; i <= 250; i++) {
                    update.setString(1, "edited " + i);
                    update.setInt(2, i);
                    update.executeUpdate();
                }
            }
        }

        rig.start();
        // An insert and its update in one batch collapse to one write: the insert is SUPERSEDED.
        CdcRig.await("all 500 changes are decided",
                () -> rig.metrics.count(Input.CDC, Outcome.APPLIED) + rig.metrics.count(Input.CDC, Outcome.SUPERSEDED) >= 500);
        rig.stop();

        assertEquals(500, rig.metrics.count(Input.CDC, Outcome.APPLIED) + rig.metrics.count(Input.CDC, Outcome.SUPERSEDED),
                "every change decided exactly once");
        assertEquals(0, rig.metrics.count(Input.CDC, Outcome.DUPLICATE), "nothing was delivered twice");
        assertEquals(rig.metrics.count(Input.CDC, Outcome.APPLIED), rig.target.writes(), "one target write per applied change");
        for (int i = 1; i <= 250; i++) {
            assertEquals("edited " + i, rig.target.note(i).get("NOTETEXT"));
        }
        StoredOffsets stored = OffsetFile.inDataDir(dataDir, new ObjectMapper()).read();
        assertTrue(stored.lsn().isPresent(), "the position is on disk after a clean stop");
    }

    @Test
    void aCrashBetweenSinkCommitAndOffsetCommitIsAbsorbedByDedup() throws Exception {
        AtomicBoolean crashed = new AtomicBoolean();
        rig.start(batchSize -> {
            if (rig.metrics.count(Input.CDC, Outcome.APPLIED) > 0 && crashed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected crash after the sink commit, before the offsets commit");
            }
        });
        try (Connection c = portal.dataSource().getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (?, 4, 'Doctor', ?)")) {
            c.setAutoCommit(false);
            for (int i = 1; i <= 10; i++) {
                insert.setInt(1, i);
                insert.setString(2, "crash note " + i);
                insert.executeUpdate();
            }
            c.commit();
            c.setAutoCommit(true);
            for (int i = 11; i <= 20; i++) {
                insert.setInt(1, i);
                insert.setString(2, "crash note " + i);
                insert.executeUpdate();
            }
        }

        CdcRig.await("the redelivered batch is decided and the rest applied",
                () -> rig.metrics.count(Input.CDC, Outcome.DUPLICATE) > 0 && rig.metrics.count(Input.CDC, Outcome.APPLIED) == 20);
        rig.stop();

        assertTrue(crashed.get());
        assertEquals(20, rig.target.writes(), "the redelivered events were not written again");
        for (int i = 1; i <= 20; i++) {
            assertEquals("crash note " + i, rig.target.note(i).get("NOTETEXT"));
        }
    }

    @Test
    void aCorruptOffsetsFileRefusesTheStartAndAppliesNothing() throws Exception {
        rig.start();
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (1, 5, 'Doctor', 'before')");
        CdcRig.await("the first note lands", () -> rig.target.note(1) != null);
        rig.stop();
        Path offsets = dataDir.resolve(OffsetFile.FILE_NAME);
        String good = Files.readString(offsets);
        Files.writeString(offsets, good.substring(0, good.length() / 2));
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (2, 5, 'Doctor', 'after')");

        CdcInput input = rig.newInput(CommitHook.NONE);
        CorruptStateFileException e = assertThrows(CorruptStateFileException.class, input::start);
        assertTrue(e.getMessage().contains(offsets.toString()), e.getMessage());
        assertEquals(CdcState.STOPPED, input.state());
        assertNull(rig.target.note(2), "nothing applied");
        assertEquals(good.substring(0, good.length() / 2), Files.readString(offsets), "the corrupt file is left for the operator");

        Files.writeString(offsets, good);
        input.start();
        CdcRig.await("the same input starts once the file is restored", () -> input.state() == CdcState.STREAMING);
        CdcRig.await("with the file restored, the waiting change lands", () -> rig.target.note(2) != null);
        input.stop();
    }

    @Test
    void aMissingSlotWhileOffsetsExistRaisesTheAlarmAndAsksForACatchUp() throws Exception {
        rig.start();
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (1, 6, 'Doctor', 'seen')");
        CdcRig.await("the note lands", () -> rig.target.note(1) != null);
        rig.stop();
        CdcRig.await("the slot is dropped", () -> {
            CdcRig.dropSlotIfExists(portal.dataSource(), slot);
            return !CdcRig.slotExists(portal.dataSource(), slot);
        });
        assertEquals(0, rig.catchUpRequests.get());

        CdcInput input = rig.start();

        assertEquals(1, rig.catchUpRequests.get(), "the poller is asked for a catch-up once");
        Map<String, Object> status = input.statusSnapshot();
        assertNotNull(status.get("lastAlarm"));
        assertTrue(status.get("lastAlarm").toString().contains("MISSING"), status.toString());
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (2, 6, 'Doctor', 'new slot')");
        CdcRig.await("streaming goes on with a new slot", () -> rig.target.note(2) != null);
    }

    @Test
    void heartbeatsWithTheActionQueryMoveTheStoredPositionOfAnIdleDatabase() throws Exception {
        rig.heartbeat(java.time.Duration.ofMillis(200), "INSERT INTO public.aligner_sync_heartbeat (id, beat_at) VALUES (1, now())"
                + " ON CONFLICT (id) DO UPDATE SET beat_at = EXCLUDED.beat_at");
        CdcInput input = rig.start();
        OffsetFile offsets = OffsetFile.inDataDir(dataDir, new ObjectMapper());
        CdcRig.await("a first position is stored", () -> offsets.read().lsn().isPresent());
        long first = offsets.read().lsn().get();

        CdcRig.await("the position moves on with no portal change", () -> offsets.read().lsn().get() > first);

        assertEquals(0, rig.target.writes(), "heartbeat rows never reach the target");
        assertEquals(0L, input.eventsCommitted());
    }

    @Test
    void aFirstStartWithoutOffsetsRaisesNoAlarm() throws Exception {
        CdcInput input = rig.start();
        assertEquals(0, rig.catchUpRequests.get());
        assertNull(input.statusSnapshot().get("lastAlarm"));
    }
}
