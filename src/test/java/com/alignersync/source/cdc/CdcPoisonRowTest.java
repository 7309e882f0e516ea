package com.alignersync.source.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.sink.support.HostileSqlServer.Effect;
import com.alignersync.sink.support.SqlServerError;
import com.alignersync.state.OffsetFile;
import com.alignersync.support.PortalPostgres;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One row SQL Server refuses never stalls the stream: it is parked, the rest land, the stored offset passes it. */
class CdcPoisonRowTest {

    static PortalPostgres portal;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startPortal() throws Exception {
        portal = PortalPostgres.startSetUp();
    }

    @AfterAll
    static void stopPortal() throws Exception {
        portal.close();
    }

    /** pg_current_wal_lsn() as the number the offsets file stores (high 32 bits / low 32 bits). */
    private static long currentLsn() throws Exception {
        try (java.sql.Connection c = portal.dataSource().getConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            String[] parts = rs.getString(1).split("/");
            return (Long.parseLong(parts[0], 16) << 32) | Long.parseLong(parts[1], 16);
        }
    }

    @Test
    void aPoisonedRowAmongTwoHundredChangesIsParkedAndTheOffsetMovesPastIt() throws Exception {
        try (CdcRig rig = new CdcRig(portal, "poison", dataDir)) {
            rig.target.hostile().triggerFails("dbo.tblAlignerNotes", 1077, SqlServerError.TRIGGER_THROW, Effect.DOOM, -1);
            rig.start();
            // One portal transaction: the engine hands it over as one (or few) batches holding the poisoned row.
            portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text)"
                    + " SELECT g, 7, 'Doctor', 'note ' || g FROM generate_series(1001, 1200) g");
            long passed = currentLsn();

            CdcRig.await("199 notes land", () -> ((Number) rig.target.query("SELECT COUNT(*) AS N FROM dbo.tblAlignerNotes")
                    .get(0).get("N")).intValue() == 199);
            CdcRig.await("the refused row is parked", () -> rig.deadLetters.count() == 1);
            assertNull(rig.target.note(1077));
            assertTrue(rig.deadLetters.readAll().get(0).reason().contains("error 50000"), rig.deadLetters.readAll().get(0).reason());

            OffsetFile offsets = OffsetFile.inDataDir(dataDir, new ObjectMapper());
            CdcRig.await("the stored offset passes the poisoned row", () -> offsets.read().lsn().orElse(0L) >= passed);
            assertEquals(CdcState.STREAMING, rig.input().state());
        } finally {
            CdcRig.dropSlotIfExists(portal.dataSource(), "poison");
        }
    }
}
