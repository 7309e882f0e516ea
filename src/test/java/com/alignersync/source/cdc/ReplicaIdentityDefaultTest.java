package com.alignersync.source.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.event.Input;
import com.alignersync.sink.Outcome;
import com.alignersync.support.PortalPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A portal migration re-created a table and left it at REPLICA IDENTITY DEFAULT: Debezium then
 * delivers a delete whose old row holds only the key, with placeholder values (not nulls) in
 * the NOT NULL columns. The delete must still be decided by key and ledger, and the slot check
 * must raise the alarm.
 */
class ReplicaIdentityDefaultTest {

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
        portal.execute("ALTER TABLE aligner_notes REPLICA IDENTITY DEFAULT");
        rig = new CdcRig(portal, "ri_default", dataDir);
        rig.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
        CdcRig.dropSlotIfExists(portal.dataSource(), "ri_default");
        portal.execute("ALTER TABLE aligner_notes REPLICA IDENTITY FULL");
    }

    @Test
    void aDeleteCarryingOnlyTheKeyStillDeletesTheDoctorNote() throws Exception {
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (301, 7, 'Doctor', 'to be deleted')");
        CdcRig.await("the note is inserted", () -> rig.target.note(301) != null);

        portal.execute("DELETE FROM aligner_notes WHERE note_id = 301");

        CdcRig.await("the key-only delete removes the note", () -> rig.target.note(301) == null);
        assertEquals(2, rig.metrics.count(Input.CDC, Outcome.APPLIED), "insert and delete");
        assertEquals(0, rig.metrics.count(Input.CDC, Outcome.IGNORED), "the placeholder note_type is not taken for a Lab note");
    }

    @Test
    void aKeyOnlyDeleteOfALabNoteLeavesTheClinicsNoteAlone() throws Exception {
        rig.target.insertLabNote(302, 7, "from the lab");
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (302, 7, 'Lab', 'from the lab')");
        portal.execute("DELETE FROM aligner_notes WHERE note_id = 302");
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (303, 7, 'Doctor', 'marker')");
        CdcRig.await("the marker note arrives after the delete", () -> rig.target.note(303) != null);

        assertEquals("from the lab", rig.target.note(302).get("NOTETEXT"), "Lab notes originate in SQL Server");
        assertEquals(0, rig.deadLetters.count(), "not a key conflict to park");
    }

    @Test
    void theSlotCheckRaisesAReplicaIdentityAlarmInStatusAndMetric() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        rig.input().registerMetrics(registry);
        rig.input().checkSlot(true);

        String alarm = (String) rig.input().statusSnapshot().get("replicaIdentityAlarm");
        assertTrue(alarm != null && alarm.contains("aligner_notes (default)") && alarm.contains("supabase-setup.sql"), alarm);
        assertEquals(Map.of("aligner_notes", "default", "aligner_batches", "full"), rig.input().statusSnapshot().get("replicaIdentity"));
        assertEquals(0.0, registry.get("aligner_sync_cdc_replica_identity_full").tag("table", "aligner_notes").gauge().value());
        assertEquals(1.0, registry.get("aligner_sync_cdc_replica_identity_full").tag("table", "aligner_batches").gauge().value());
        assertNull(rig.input().statusSnapshot().get("alarm"), "not a slot alarm: nothing was lost, no catch-up");
        assertEquals(java.util.List.of(alarm), rig.input().statusSnapshot().get("warnings"), "status summary turns degraded");

        portal.execute("ALTER TABLE aligner_notes REPLICA IDENTITY FULL");
        rig.input().checkSlot(true);
        assertNull(rig.input().statusSnapshot().get("replicaIdentityAlarm"));
        assertEquals(1.0, registry.get("aligner_sync_cdc_replica_identity_full").tag("table", "aligner_notes").gauge().value());
    }
}
