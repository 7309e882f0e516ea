package com.alignersync.source.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.support.PortalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * As on Supabase: the tables belong to a role with REPLICATION that is not superuser; it runs
 * supabase-setup.sql (twice: the script is idempotent) and the engine connects as that role.
 */
class CdcSupabaseRoleTest {

    private static final String PASSWORD = "p@ss:w/rd%+1";
    private static final String ENCODED_PASSWORD = "p%40ss%3Aw%2Frd%25+1";

    @TempDir
    Path dataDir;

    @Test
    void aNonSuperuserRoleWithReplicationRunsTheSetupAndStreams() throws Exception {
        try (PortalPostgres portal = PortalPostgres.start()) {
            portal.execute("CREATE ROLE portal LOGIN REPLICATION NOSUPERUSER PASSWORD '" + PASSWORD + "';"
                    + " GRANT CREATE ON DATABASE postgres TO portal;"
                    + " GRANT USAGE, CREATE ON SCHEMA public TO portal;"
                    + " ALTER TABLE aligner_notes OWNER TO portal;"
                    + " ALTER TABLE aligner_batches OWNER TO portal;"
                    + " INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text, created_at)"
                    + "   VALUES (50, 1, 'Doctor', 'older note', '2026-01-02T03:04:05Z')");
            String setup = Files.readString(Path.of("connector-config/supabase-setup.sql"));
            String jdbc = "jdbc:postgresql://localhost:" + portal.port() + "/postgres";
            try (Connection c = DriverManager.getConnection(jdbc, "portal", PASSWORD); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT rolsuper, rolreplication FROM pg_roles WHERE rolname = current_user")) {
                    rs.next();
                    assertFalse(rs.getBoolean(1), "the role is not superuser");
                    assertTrue(rs.getBoolean(2), "the role has REPLICATION");
                }
                s.execute(setup);
                s.execute(setup);
                try (ResultSet rs = s.executeQuery("SELECT updated_at = created_at FROM aligner_notes WHERE note_id = 50")) {
                    rs.next();
                    assertTrue(rs.getBoolean(1), "an existing note keeps the version it had: coalesce(edited_at, created_at)");
                }
                try (ResultSet rs = s.executeQuery("SELECT relreplident FROM pg_class WHERE relname IN ('aligner_notes', 'aligner_batches')")) {
                    while (rs.next()) {
                        assertEquals("f", rs.getString(1), "REPLICA IDENTITY FULL");
                    }
                }
            }

            String dbUrl = "postgresql://portal:" + ENCODED_PASSWORD + "@localhost:" + portal.port() + "/postgres";
            try (CdcRig rig = new CdcRig(dbUrl, "supabase_role", dataDir)) {
                CdcInput input = rig.start();
                try (Connection c = DriverManager.getConnection(jdbc, "portal", PASSWORD); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (51, 1, 'Doctor', 'as portal')");
                    s.execute("UPDATE aligner_notes SET is_read = true WHERE note_id = 51");
                }
                CdcRig.await("the note and its read flag land", () -> rig.target.note(51) != null
                        && Boolean.TRUE.equals(rig.target.note(51).get("ISREAD")));

                input.checkSlot(true);
                @SuppressWarnings("unchecked")
                Map<String, Object> slot = (Map<String, Object>) input.statusSnapshot().get("slot");
                assertEquals(true, slot.get("exists"));
                assertEquals(true, slot.get("active"));
                assertNotNull(slot.get("confirmedFlushLsn"), "the role can read its slot's health");
                assertNotNull(slot.get("retainedWalBytes"));
            }
        }
    }
}
