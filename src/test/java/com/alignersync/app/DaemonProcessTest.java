package com.alignersync.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.event.ChangeEvents;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.state.OffsetFile;
import com.alignersync.state.StoredOffsets;
import com.alignersync.support.PortalPostgres;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as a separate process, as it runs in production: {@code kill -9} in the middle
 * of a stream of edits, restart, every edit in SQL Server exactly once; a second daemon on
 * the same data directory refused; SIGTERM exits 0 with the offsets flushed to the slot.
 */
class DaemonProcessTest {

    private static final int NOTES = 1_000;

    @TempDir
    Path dir;

    PortalPostgres portal;
    H2ClinicTarget target;
    Connection keepClinicOpen;
    Path config;

    @BeforeEach
    void setUp() throws Exception {
        portal = PortalPostgres.startSetUp();
        target = H2ClinicTarget.inFile(dir.resolve("clinic"));
        // This JVM serves the clinic file (AUTO_SERVER), so it outlives a daemon killed with -9.
        keepClinicOpen = target.dataSource().getConnection();
        config = dir.resolve("aligner-sync.properties");
        Files.writeString(config, String.join("\n",
                "sqlserver.jdbc-url=" + target.jdbcUrl(),
                "data.dir=" + dir.resolve("data"),
                "supabase.db-url=" + portal.dbUrl(),
                "cdc.slot-name=process_test",
                "webhook.secret=process-test-secret-0123456789",
                "http.port=0",
                "http.bind-address=127.0.0.1",
                "poll.enabled=false",
                ""));
    }

    @AfterEach
    void tearDown() throws Exception {
        keepClinicOpen.close();
        target.close();
        portal.close();
    }

    /** A daemon child process with its output collected. */
    private final class Child {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();

        Child() throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "com.alignersync.cli.Main", "run", "--config", config.toString()).redirectErrorStream(true);
            builder.environment().put("LOG_DIR", dir.resolve("logs").toString());
            process = builder.start();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (Exception e) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        void awaitLine(String fragment) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (lines.stream().noneMatch(l -> l.contains(fragment))) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("no line with '" + fragment + "'; output:\n" + String.join("\n", lines));
                }
                Thread.sleep(50);
            }
        }
    }

    private void edit(Statement s, int step) throws Exception {
        int note = step % NOTES + 1;
        if (step < NOTES) {
            s.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (" + note + ", 3187, 'Doctor', 'v1 " + note + "')");
        } else {
            s.execute("UPDATE aligner_notes SET note_text = 'v2 " + note + "', is_edited = true, edited_at = now() WHERE note_id = " + note);
        }
    }

    private long count(String sql) throws Exception {
        return ((Number) target.query(sql).get(0).get("N")).longValue();
    }

    private boolean allEditsLanded() throws Exception {
        return count("SELECT COUNT(*) AS N FROM dbo.tblAlignerNotes WHERE NoteText LIKE 'v2 %'") == NOTES;
    }

    @Test
    void killNineMidStreamThenRestartLandsEveryEditExactlyOnceAndSigtermExitsZeroWithOffsetsFlushed() throws Exception {
        Child first = new Child();
        first.awaitLine("cdc: streaming from slot process_test");

        long lsnBeforeLastEdit = 0;
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (int step = 0; step < 2 * NOTES; step++) {
                if (step == 700) {
                    // Mid-stream: the daemon has applied some of the first 700 edits and is busy with more.
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (count("SELECT COUNT(*) AS N FROM dbo.tblAlignerNotes") < 100 && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    first.process.destroyForcibly();
                    assertTrue(first.process.waitFor(30, TimeUnit.SECONDS));
                }
                if (step == 2 * NOTES - 1) {
                    lsnBeforeLastEdit = lsnOf(portal, "SELECT pg_current_wal_lsn()::text");
                }
                edit(s, step);
            }
        }

        Child second = new Child();
        second.awaitLine("daemon: running");

        Child intruder = new Child();
        assertTrue(intruder.process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(ExitCodes.LOCKED, intruder.process.exitValue(), String.join("\n", intruder.lines));
        assertTrue(intruder.lines.stream().anyMatch(l -> l.contains("in use by another aligner-sync")), String.join("\n", intruder.lines));

        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!allEditsLanded()) {
            assertTrue(System.nanoTime() < deadline, "edits still missing after restart: "
                    + count("SELECT COUNT(*) AS N FROM dbo.tblAlignerNotes WHERE NoteText LIKE 'v2 %'") + " of " + NOTES);
            Thread.sleep(100);
        }

        // Exactly once: every note inserted once, never written again with the same values.
        assertEquals(NOTES, count("SELECT COUNT(*) AS N FROM dbo.tblAlignerNotes"));
        assertEquals(NOTES, count("SELECT COUNT(*) AS N FROM dbo.WriteLog WHERE TableName = 'TBLALIGNERNOTES' AND Op = 'INSERT'"));
        assertTrue(count("SELECT COUNT(*) AS N FROM dbo.WriteLog WHERE TableName = 'TBLALIGNERNOTES' AND Op = 'UPDATE'") <= NOTES);
        Map<Long, Long> portalVersions = new HashMap<>();
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT note_id, updated_at FROM aligner_notes")) {
            while (rs.next()) {
                portalVersions.put(rs.getLong(1), ChangeEvents.toMicros(rs.getTimestamp(2).toInstant()));
            }
        }
        for (Map<String, Object> row : target.query("SELECT SourceKey, AppliedVersion FROM dbo.AlignerSyncLedger WHERE SourceTable = 'aligner_notes'")) {
            long key = ((Number) row.get("SOURCEKEY")).longValue();
            assertEquals(portalVersions.get(key), ((Number) row.get("APPLIEDVERSION")).longValue(), "ledger version of note " + key);
        }

        second.process.destroy(); // SIGTERM
        assertTrue(second.process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, second.process.exitValue(), String.join("\n", second.lines));
        long confirmed = lsnOf(portal, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'process_test'");
        long stored = OffsetFile.inDataDir(dir.resolve("data"), new ObjectMapper()).read().lsn().orElseThrow();
        // The last edit was written after lsnBeforeLastEdit: its offset is stored. Debezium confirms to the slot the
        // commit LSN of the last transaction it saw end, so the slot is released up to the start of the last edit's
        // transaction, and a restart would skip that edit by the stored offset.
        String positions = "before the last edit " + StoredOffsets.lsnText(lsnBeforeLastEdit) + ", stored "
                + StoredOffsets.lsnText(stored) + ", confirmed " + StoredOffsets.lsnText(confirmed);
        assertTrue(stored > lsnBeforeLastEdit, positions);
        assertTrue(confirmed >= lsnBeforeLastEdit, positions);
        portal.execute("SELECT pg_drop_replication_slot('process_test')");
    }

    private static long lsnOf(PortalPostgres portal, String sql) throws Exception {
        try (Connection c = portal.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return StoredOffsets.parseLsn(rs.getString(1));
        }
    }
}
