package com.alignersync.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.SinkConfig.DeleteMode;
import com.alignersync.event.SourceTable;
import com.alignersync.source.poll.support.FakePostgrest;
import com.alignersync.support.PortalPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify --repair's deletes and the delete guard, against the real portal schema behind the PostgREST stand-in and an H2 clinic. */
class VerifierTest {

    static PortalPostgres portal;
    static FakePostgrest rest;

    @TempDir
    Path dataDir;
    ReconcileRig rig;

    @BeforeAll
    static void startPortal() throws Exception {
        portal = PortalPostgres.startSetUp();
        rest = FakePostgrest.start(portal.dataSource(), ReconcileRig.KEY);
    }

    @AfterAll
    static void stopPortal() throws Exception {
        rest.close();
        portal.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        portal.execute("TRUNCATE aligner_notes, aligner_batches");
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text)"
                + " SELECT g, 7, 'Doctor', 'note ' || g FROM generate_series(1, 6) g");
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void rowsKeptByDeleteModeIgnoreAfterTheirDeleteDoNotCountAgainstTheGuard() throws Exception {
        rig = new ReconcileRig(rest, dataDir, DeleteMode.IGNORE);
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        // Four real deletes, reconciled one at a time: tombstones in the ledger, the rows kept in SQL Server.
        for (long id = 2; id <= 5; id++) {
            portal.execute("DELETE FROM aligner_notes WHERE note_id = " + id);
            assertTrue(rig.reconciler(10).run(false, "test").ok());
        }

        VerifyReport report = rig.verifier().run(true, 10, Verifier.Progress.NONE);

        assertNull(report.repair().refusal(), "the ledger deleted those four already: the listing lacks none of its live notes");
        assertEquals(0, report.repair().deletesRefused());
        assertNotNull(rig.note(3), "delete-mode=ignore keeps the row");
    }
}
