package com.alignersync.twoway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.support.PortalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The portal side of DESIGN.md section 9, on a real Postgres with Supabase's roles: the setup
 * script stamps who made each change from the writing session, never from a value or from
 * anything a client sends, and keeps each row's versions the portal's own and increasing.
 */
class OriginStampTest {

    static PortalPostgres portal;

    @BeforeAll
    static void setUp() throws Exception {
        portal = PortalPostgres.start();
        portal.execute("CREATE ROLE authenticated NOLOGIN; CREATE ROLE service_role NOLOGIN;"
                + " GRANT SELECT, INSERT, UPDATE, DELETE ON aligner_notes, aligner_batches TO authenticated, service_role");
        String setup = Files.readString(Path.of("connector-config/supabase-setup.sql"));
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET aligner_sync.forward_sync_role = 'service_role'"); // as PGOPTIONS='-c ...' gives it to psql
            s.execute(setup);
        }
        portal.execute(setup); // run again without naming it: the role is kept
    }

    @AfterAll
    static void tearDown() throws Exception {
        portal.close();
    }

    @Test
    void aDoctorsEditUnderTheDocumentedSetupIsNeverClassifiedAsTheClinics() throws Exception {
        as("authenticated", "INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (1, 1, 'Doctor', 'first')",
                "UPDATE aligner_notes SET note_text = 'edited' WHERE note_id = 1",
                // A client that tries to pass itself off as the clinic, or to date its edit, is ignored.
                "UPDATE aligner_notes SET is_read = true, read_changed_by = 'clinic', read_changed_at = now() + interval '1 day'"
                        + " WHERE note_id = 1");

        assertEquals(List.of("portal", "portal"), stamps("SELECT text_changed_by, read_changed_by FROM aligner_notes WHERE note_id = 1"));
        assertTrue(bool("SELECT read_changed_at = updated_at AND updated_at <= clock_timestamp() FROM aligner_notes WHERE note_id = 1"));
    }

    @Test
    void theForwardSyncsRoleAndItsSessionSettingAreTheClinicsAndStampOnlyWhatTheyChanged() throws Exception {
        as("authenticated", "INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (2, 1, 'Doctor', 'by a doctor')");
        as("service_role", "UPDATE aligner_notes SET is_read = true WHERE note_id = 2");
        assertEquals(List.of("portal", "clinic"), stamps("SELECT text_changed_by, read_changed_by FROM aligner_notes WHERE note_id = 2"),
                "the clinic marked it read; the text is still the doctor's");

        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) VALUES (7, 1, 14)");
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET aligner_sync.origin = 'clinic'"); // a forward sync on a direct connection
            s.execute("UPDATE aligner_batches SET days = 21 WHERE aligner_batch_id = 7");
        }
        assertEquals(List.of("clinic"), stamps("SELECT days_changed_by FROM aligner_batches WHERE aligner_batch_id = 7"));
        Timestamp daysChanged = timestamp("SELECT days_changed_at FROM aligner_batches WHERE aligner_batch_id = 7");

        as("authenticated", "UPDATE aligner_batches SET notes = 'delivered' WHERE aligner_batch_id = 7");
        assertEquals(List.of("clinic"), stamps("SELECT days_changed_by FROM aligner_batches WHERE aligner_batch_id = 7"),
                "a change of another column carries nothing back");
        assertEquals(daysChanged, timestamp("SELECT days_changed_at FROM aligner_batches WHERE aligner_batch_id = 7"));
        assertTrue(bool("SELECT updated_at > days_changed_at FROM aligner_batches WHERE aligner_batch_id = 7"));
    }

    @Test
    void aRowDatedInTheFutureKeepsItsVersionsIncreasingAndAnInsertCannotDateItself() throws Exception {
        portal.execute("ALTER TABLE aligner_batches DISABLE TRIGGER aligner_sync_stamp;"
                + " INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days, updated_at) VALUES (8, 1, 14, now() + interval '3 hours');"
                + " ALTER TABLE aligner_batches ENABLE TRIGGER aligner_sync_stamp");
        as("authenticated", "UPDATE aligner_batches SET days = 10 WHERE aligner_batch_id = 8");
        assertTrue(bool("SELECT updated_at > now() + interval '2 hours' AND days_changed_at = updated_at FROM aligner_batches"
                + " WHERE aligner_batch_id = 8"), "one microsecond after the future-dated version, not the clock");

        as("authenticated", "INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days, updated_at) VALUES (9, 1, 14, now() + interval '3 hours')");
        assertTrue(bool("SELECT updated_at <= clock_timestamp() FROM aligner_batches WHERE aligner_batch_id = 9"));
    }

    private static void as(String role, String... statements) throws Exception {
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET ROLE " + role);
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static List<String> stamps(String sql) throws Exception {
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            List<String> values = new java.util.ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                values.add(rs.getString(i));
            }
            return values;
        }
    }

    private static boolean bool(String sql) throws Exception {
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static Timestamp timestamp(String sql) throws Exception {
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }
}
