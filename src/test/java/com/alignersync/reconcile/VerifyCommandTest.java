package com.alignersync.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.SinkConfig.DeleteMode;
import com.alignersync.event.SourceTable;
import com.alignersync.source.poll.support.FakePostgrest;
import com.alignersync.state.LastVerifyStore;
import com.alignersync.support.PortalPostgres;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code aligner-sync verify} and {@code reconcile} as an operator runs them, against a hand-made drift in SQL Server. */
class VerifyCommandTest {

    static PortalPostgres portal;
    static FakePostgrest rest;

    @TempDir
    Path dir;
    ReconcileRig rig;
    Path configFile;
    final ObjectMapper json = new ObjectMapper();
    String out;
    String err;

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
        rest.hideRows(false);
        portal.execute("TRUNCATE aligner_notes, aligner_batches");
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text, is_edited, edited_at)"
                + " SELECT g, 7, 'Doctor', 'note ' || g, g % 2 = 0, CASE WHEN g % 2 = 0 THEN now() END FROM generate_series(1, 6) g");
        portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (7, 7, 'Lab', 'from the lab')");
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) SELECT g, 7, 14 FROM generate_series(100, 102) g");
        rig = new ReconcileRig(rest, dir.resolve("data"), DeleteMode.DELETE);
        for (long batch = 100; batch <= 102; batch++) {
            rig.clinic.insertBatch(batch, 7, 14);
        }
        rig.deliverAll(SourceTable.ALIGNER_NOTES);
        rig.deliverAll(SourceTable.ALIGNER_BATCHES);
        configFile = dir.resolve("aligner-sync.properties");
        Files.writeString(configFile, String.join("\n",
                "supabase.url=" + rest.supabaseUrl(),
                "supabase.service-role-key=" + ReconcileRig.KEY,
                "sqlserver.jdbc-url=" + rig.clinic.jdbcUrl(),
                "data.dir=" + dir.resolve("data"),
                "cdc.enabled=false"));
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cli = new CommandLine(new com.alignersync.cli.Main()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(new PrintWriter(o, true));
        cli.setErr(new PrintWriter(e, true));
        int code = cli.execute(args);
        out = o.toString();
        err = e.toString();
        return code;
    }

    /** A changed NoteText, a missing note, an extra Doctor note (deleted in the portal, its webhook lost), a different Days. */
    private void handMadeDrift() throws Exception {
        rig.clinic.update("UPDATE dbo.tblAlignerNotes SET NoteText = 'changed by hand' WHERE NoteID = 2");
        rig.clinic.update("DELETE FROM dbo.tblAlignerNotes WHERE NoteID = 3");
        portal.execute("DELETE FROM aligner_notes WHERE note_id = 5");
        rig.clinic.update("UPDATE dbo.tblAlignerBatches SET Days = 21 WHERE AlignerBatchID = 101");
    }

    @Test
    void verifyReportsAHandMadeDriftExactlyAndRepairFixesIt() throws Exception {
        assertEquals(0, run("verify", "--config", configFile.toString()), out + err);
        assertTrue(out.contains("IN SYNC"), out);

        handMadeDrift();
        assertEquals(1, run("verify", "--json", "--config", configFile.toString()), out + err);
        JsonNode report = json.readTree(out);
        assertEquals("drift", report.path("result").asText());
        assertEquals(4, report.path("driftRows").asInt());
        JsonNode notes = report.path("notes");
        assertEquals(6, notes.path("compared").asInt());
        assertEquals(3, notes.path("inSync").asInt());
        assertEquals("[3]", notes.path("missingKeys").toString());
        assertEquals("[5]", notes.path("extraKeys").toString());
        assertEquals("[{\"key\":2,\"columns\":[\"NoteText\"]}]", json.writeValueAsString(notes.path("differences")));
        JsonNode batches = report.path("batches");
        assertEquals(3, batches.path("compared").asInt());
        assertEquals(0, batches.path("missingInSqlServer").asInt());
        assertEquals("[{\"key\":101,\"columns\":[\"Days\"]}]", json.writeValueAsString(batches.path("differences")));
        assertEquals("drift", new LastVerifyStore(dir.resolve("data"), json).load().orElseThrow().get("result"));

        assertEquals(0, run("verify", "--repair", "--config", configFile.toString()), out + err);
        assertTrue(out.contains("Repair: 4 drift row(s) found; 4 change(s) sent through the sink: 4 applied"), out);
        assertTrue(out.contains("IN SYNC"), out);
        assertEquals("note 2", rig.note(2).get("NOTETEXT"));
        assertNotNull(rig.note(3));
        assertNull(rig.note(5));
        assertEquals(14, ((Number) rig.clinic.batch(101).get("DAYS")).intValue());

        assertEquals(0, run("verify", "--config", configFile.toString()), out + err);
        assertEquals(0, run("status", "--json", "--config", configFile.toString()), out + err);
        assertEquals("in_sync", json.readTree(out).path("verify").path("result").asText(), out);
    }

    @Test
    void verifyRepairAgainstAPortalAnswering200EmptyDeletesNothingAndRaisesTheAlarm() throws Exception {
        rest.hideRows(true); // row-level security and a key that is not the service role: every table reads 200 []

        int code;
        List<String> errorLines;
        try (ErrorLog errors = new ErrorLog("com.alignersync.reconcile")) {
            code = run("verify", "--repair", "--config", configFile.toString());
            errorLines = errors.lines();
        }

        for (long id = 1; id <= 6; id++) {
            assertNotNull(rig.note(id), "note " + id + " must survive a blind listing");
        }
        assertEquals(com.alignersync.app.ExitCodes.DELETES_REFUSED, code, out + err);
        assertTrue(out.contains("deletes refused"), out);
        assertTrue(err.contains("row-level security"), err);
        assertTrue(errorLines.stream().anyMatch(line -> line.contains("row-level security")), "alarm at ERROR: " + errorLines);
        assertEquals(0, run("status", "--json", "--config", configFile.toString()), out + err);
        assertEquals("empty_listing", json.readTree(out).path("verify").path("deleteGuard").path("cause").asText(), out);
    }

    @Test
    void verifyRepairAgainstAListingFarSmallerThanTheLedgerDeletesNothing() throws Exception {
        // The portal lists one Doctor note of the six the ledger wrote: a user's key under row-level security, another project.
        portal.execute("DELETE FROM aligner_notes WHERE note_id BETWEEN 2 AND 6");
        rig.clinic.update("UPDATE dbo.tblAlignerNotes SET NoteText = 'changed by hand' WHERE NoteID = 1");

        int code = run("verify", "--repair", "--json", "--config", configFile.toString());

        for (long id = 2; id <= 6; id++) {
            assertNotNull(rig.note(id), "note " + id + " must survive");
        }
        assertEquals(com.alignersync.app.ExitCodes.DELETES_REFUSED, code, out + err);
        JsonNode repair = json.readTree(out).path("repair");
        assertEquals(5, repair.path("deletesRefused").asInt(), out);
        assertEquals("more_than_half", repair.path("deleteGuard").path("cause").asText(), out);
        assertEquals("note 1", rig.note(1).get("NOTETEXT"), "the guard withholds the deletes only: the rest of the repair is done");
    }

    @Test
    void reconcileRefusesAPortalEmptiedOnPurposeUntilTheOperatorAllowsTheMassDeleteOnce() throws Exception {
        portal.execute("DELETE FROM aligner_notes");

        assertEquals(1, run("reconcile", "--config", configFile.toString()), out + err);
        assertTrue(err.contains("--allow-mass-delete"), "the refusal names the way out: " + err);
        assertTrue(out.contains("(PostgREST counts 0)"), out);
        assertNotNull(rig.note(1));

        assertEquals(0, run("reconcile", "--allow-mass-delete", "--json", "--config", configFile.toString()), out + err);
        assertEquals(6, json.readTree(out).path("deleted").asInt(), out);
        for (long id = 1; id <= 6; id++) {
            assertNull(rig.note(id));
        }
    }

    @Test
    void anExtraDoctorNoteTheSyncNeverWroteIsReportedButNotDeletedByRepair() throws Exception {
        rig.clinic.insertNote(50, 7, "Doctor", "typed into SQL Server by hand");

        assertEquals(1, run("verify", "--repair", "--limit", "5", "--config", configFile.toString()), out + err);
        assertTrue(out.contains("1 not repairable through the sink"), out);
        assertTrue(out.contains("extra in SQL Server:   [50]"), out);
        assertNotNull(rig.note(50));
    }

    @Test
    void reconcileCommandDeletesWhatThePortalDeletedAndItsDryRunOnlyLists() throws Exception {
        portal.execute("DELETE FROM aligner_notes WHERE note_id IN (1, 4)");

        assertEquals(0, run("reconcile", "--dry-run", "--config", configFile.toString()), out + err);
        assertTrue(out.contains("would delete:                                     2"), out);
        assertNotNull(rig.note(1));

        assertEquals(0, run("reconcile", "--json", "--config", configFile.toString()), out + err);
        assertEquals(2, json.readTree(out).path("deleted").asInt(), out);
        assertNull(rig.note(1));
        assertNull(rig.note(4));
        assertNotNull(rig.note(2));
    }

    @Test
    void whileADaemonHoldsTheDataDirectoryRepairAndReconcileAreRefusedButVerifyAndDryRunsRun() throws Exception {
        try (var held = com.alignersync.state.DataDirectory.lock(dir.resolve("data"))) {
            assertEquals(4, run("verify", "--repair", "--config", configFile.toString()), out + err);
            assertTrue(err.contains("verify without --repair runs beside it"), err);
            assertEquals(4, run("reconcile", "--config", configFile.toString()), out + err);
            assertTrue(err.contains("POST /api/sync/reconcile"), err);
            assertEquals(0, run("verify", "--config", configFile.toString()), out + err);
            assertEquals(0, run("reconcile", "--dry-run", "--config", configFile.toString()), out + err);
        }
    }

    @Test
    void withoutThePortalsRestApiVerifyAndReconcileExitWithTheConfigCodeNamingTheKey() throws Exception {
        Files.writeString(configFile, String.join("\n",
                "sqlserver.jdbc-url=" + rig.clinic.jdbcUrl(),
                "data.dir=" + dir.resolve("data"),
                "cdc.enabled=false"));
        for (String command : new String[] {"verify", "reconcile"}) {
            assertEquals(com.alignersync.app.ExitCodes.CONFIG, run(command, "--config", configFile.toString()), out + err);
            assertTrue(err.contains("supabase.url"), command + ": " + err);
        }
    }
}
