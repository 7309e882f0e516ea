package com.alignersync.source.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.event.Input;
import com.alignersync.sink.Outcome;
import com.alignersync.support.PortalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Postgres outage never ends the input: the engine restarts with backoff and catches up by itself. */
class CdcReconnectTest {

    @TempDir
    Path dataDir;

    @TempDir
    Path pgData;

    @Test
    void afterPostgresIsStoppedAndStartedAgainTheEngineReconnectsAndCatchesUp() throws Exception {
        PortalPostgres portal = PortalPostgres.startPersistent(pgData, 0);
        int port = portal.port();
        portal.execute(Files.readString(Path.of("connector-config/supabase-setup.sql")));
        try (CdcRig rig = new CdcRig(portal, "reconnect", dataDir)) {
            CdcInput input = rig.start();
            portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (1, 9, 'Doctor', 'before the outage')");
            CdcRig.await("the first note lands", () -> rig.target.note(1) != null);

            portal.crash(pgData);
            // Stay down over several restart attempts, so the backoff path runs more than once.
            CdcRig.await("several restarts were attempted", () -> (long) input.statusSnapshot().get("restarts") >= 3);
            assertTrue(input.state() == CdcState.RESTARTING || input.state() == CdcState.STARTING, input.state().toString());

            portal = PortalPostgres.startPersistent(pgData, port);
            portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (2, 9, 'Doctor', 'during the reconnect')");
            CdcRig.await("the engine streams again", () -> input.state() == CdcState.STREAMING);
            portal.execute("UPDATE aligner_notes SET note_text = 'edited after the outage' WHERE note_id = 1");

            CdcRig.await("both changes land", () -> rig.target.note(2) != null
                    && "edited after the outage".equals(rig.target.note(1).get("NOTETEXT")));
            assertEquals("during the reconnect", rig.target.note(2).get("NOTETEXT"));
            assertEquals(3, rig.metrics.count(Input.CDC, Outcome.APPLIED), "each change applied once");
            assertTrue(input.statusSnapshot().get("lastError").toString().length() > 0, "the outage is visible in status");
        } finally {
            portal.close();
        }
    }
}
