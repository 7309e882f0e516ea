package com.alignersync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.app.ExitCodes;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.support.PortalPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slot the server invalidated ({@code wal_status = lost}): produced for real with a tiny
 * {@code max_slot_wal_keep_size}, a few WAL segment switches and a checkpoint, as happens on
 * Supabase when the daemon stays away longer than the WAL the server keeps.
 */
class LostSlotCheckTest {

    @TempDir
    Path dir;

    @Test
    void aLostSlotFailsTheCheckWithTheDropFixAndStatusShowsIt() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "4")
                .setServerConfig("max_wal_senders", "4")
                .setServerConfig("max_slot_wal_keep_size", "1MB")
                .setServerConfig("fsync", "off")
                .start();
             H2ClinicTarget clinic = new H2ClinicTarget()) {
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute(PortalPostgres.resource("/embedded/portal-schema.sql"));
                s.execute(Files.readString(Path.of("connector-config/supabase-setup.sql")));
                s.execute("SELECT pg_create_logical_replication_slot('aligner_sync', 'pgoutput')");
                for (int i = 0; i < 4; i++) {
                    s.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) VALUES (" + i + ", 1, 10)");
                    s.execute("SELECT pg_switch_wal()");
                }
                s.execute("CHECKPOINT");
                try (ResultSet rs = s.executeQuery("SELECT wal_status FROM pg_replication_slots WHERE slot_name = 'aligner_sync'")) {
                    rs.next();
                    assertEquals("lost", rs.getString(1), "the server should have invalidated the slot");
                }
            }
            Path config = dir.resolve("aligner-sync.properties");
            Files.writeString(config, String.join("\n",
                    "supabase.db-url=postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres",
                    "sqlserver.jdbc-url=" + clinic.jdbcUrl(),
                    "poll.enabled=false",
                    "webhook.enabled=false",
                    "data.dir=" + dir.resolve("data").toString().replace('\\', '/')));

            CommandRunner cli = new CommandRunner();
            assertEquals(ExitCodes.CHECK_FAILED, cli.run("check", "--config", config.toString()));
            assertTrue(cli.out().contains("FAIL  replication slot: aligner_sync inactive, wal_status lost"), cli.out());
            assertTrue(cli.out().contains("select pg_drop_replication_slot('aligner_sync')"), cli.out());

            CommandRunner status = new CommandRunner();
            assertEquals(0, status.run("status", "--flat", "--config", config.toString()));
            assertTrue(status.out().lines().anyMatch(l -> l.matches("slot\\.walStatus\\s+lost")), status.out());

            CommandRunner table = new CommandRunner();
            assertEquals(0, table.run("status", "--config", config.toString()));
            assertTrue(table.out().contains("(lost)"), table.out());
            assertTrue(table.out().contains("! slot wal_status is lost: its changes are gone -> see the lost-slot section"), table.out());
        }
    }
}
