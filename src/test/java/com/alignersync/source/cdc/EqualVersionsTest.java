package com.alignersync.source.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.event.ChangeEvents;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import com.alignersync.ops.SinkStatus;
import com.alignersync.sink.Outcome;
import com.alignersync.support.PortalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two different contents with the same version (a portal trigger that does not bump updated_at,
 * coarse precision): for CDC the later LSN wins, whatever the content hashes say; a portal in
 * the legacy "no updated_at" mode is refused by CDC.
 */
class EqualVersionsTest {

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
    void setUp() throws Exception {
        portal.execute("TRUNCATE aligner_notes, aligner_batches");
        rig = new CdcRig(portal, "equal_versions", dataDir);
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
        CdcRig.dropSlotIfExists(portal.dataSource(), "equal_versions");
        // Puts back what a test removed (updated_at, the stamp triggers); idempotent.
        portal.execute(Files.readString(Path.of("connector-config/supabase-setup.sql")));
    }

    private static String daysHash(int days) {
        return ChangeEvents.of(Input.CDC, SourceTable.ALIGNER_BATCHES, Op.UPDATE, null,
                Map.of("aligner_batch_id", 1, "days", days, "updated_at", "2026-11-20T09:00:00Z")).contentHash();
    }

    @Test
    void theLaterLsnWinsAnEqualVersionEvenWithTheSmallerContentHash() throws Exception {
        // Two edits whose later one has the smaller content hash: the old tie-break kept the earlier edit.
        int first = 20;
        int second = 9;
        if (daysHash(second).compareTo(daysHash(first)) > 0) {
            first = 9;
            second = 20;
        }
        portal.execute("DROP TRIGGER aligner_sync_stamp ON aligner_batches");
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days, updated_at)"
                + " VALUES (77, 1, 14, '2026-11-20T09:00:00Z')");
        rig.target.insertBatch(77, 1, 14);
        rig.start();

        portal.execute("UPDATE aligner_batches SET days = " + first + " WHERE aligner_batch_id = 77");
        int expectFirst = first;
        CdcRig.await("the first edit lands", () -> ((Number) rig.target.batch(77).get("DAYS")).intValue() == expectFirst);
        // The same updated_at again: this trigger-less portal does not version the second edit.
        portal.execute("UPDATE aligner_batches SET days = " + second + " WHERE aligner_batch_id = 77");
        CdcRig.await("the second edit is decided", () -> rig.metrics.conflicts() == 1);

        assertEquals(second, ((Number) rig.target.batch(77).get("DAYS")).intValue(), "the later commit wins");
        assertEquals(2, rig.metrics.count(Input.CDC, Outcome.APPLIED));
        String warning = rig.metrics.lastTieBreak();
        assertNotNull(warning, "status warns that a tie-break decided");
        assertTrue(warning.contains("later LSN"), warning);
        assertTrue(warning.contains("aligner_batches#77"), warning);
        Object statusWarnings = new SinkStatus(rig.sink, rig.metrics, rig.deadLetters).statusSnapshot().get("warnings");
        assertTrue(String.valueOf(statusWarnings).contains("decided by a tie-break"), String.valueOf(statusWarnings));
    }

    @Test
    void cdcRefusesALegacyPortalWithoutUpdatedAtNamingTheSetupScript() throws Exception {
        portal.execute("ALTER TABLE aligner_notes DROP COLUMN updated_at");
        CdcInput input = rig.newInput(CommitHook.NONE);
        input.start();
        try {
            CdcRig.await("CDC refuses to start", () -> input.state() == CdcState.FAILED);
            String error = String.valueOf(input.statusSnapshot().get("lastError"));
            assertTrue(error.contains("supabase-setup.sql") && error.contains("updated_at"), error);
        } finally {
            input.stop();
        }
    }
}
