package com.alignersync.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.state.PrivateFiles;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The newcomer's databases: set up as on Supabase and as in the clinic, seeded once, kept between runs. */
class EmbeddedStackTest {

    @TempDir
    Path dataDir;

    private static long count(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void startsBothDatabasesReadyForTheDaemonAndKeepsTheirDataBetweenRuns() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        EmbeddedDefault first = EmbeddedDefault.start(dataDir, port, false);
        try (EmbeddedStack stack = first.stack();
             Connection portal = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "postgres");
             Connection clinic = DriverManager.getConnection(stack.clinicJdbcUrl())) {
            assertEquals(1, count(portal, "SELECT COUNT(*) FROM pg_publication WHERE pubname = 'aligner_sync_pub'"));
            try (Statement s = portal.createStatement(); ResultSet rs = s.executeQuery("SHOW wal_level")) {
                rs.next();
                assertEquals("logical", rs.getString(1));
            }
            assertEquals(3, count(portal, "SELECT COUNT(*) FROM aligner_batches"));
            assertEquals(3, count(clinic, "SELECT COUNT(*) FROM dbo.tblAlignerBatches"));
            assertEquals(0, count(clinic, "SELECT COUNT(*) FROM dbo.AlignerSyncLedger"));
            assertTrue(first.environment().get("SQLSERVER_JDBC_URL").startsWith("jdbc:h2:file:"));
            assertEquals("false", first.environment().get("POLL_ENABLED"));
            assertTrue(first.instructions(3000, 3001).contains("update aligner_batches set days = 10 where aligner_batch_id = 12044"));
            assertTrue(!first.instructions(3000, 3001).contains(first.environment().get("WEBHOOK_SECRET")), "the secret is never printed");
            try (Statement s = clinic.createStatement()) {
                s.execute("UPDATE dbo.tblAlignerBatches SET Days = 10 WHERE AlignerBatchID = 12044");
            }
        }
        String secret = Files.readString(dataDir.resolve("embedded/webhook-secret")).trim();
        // Recorded for status, secret excluded from the file but read back from its own.
        assertTrue(!Files.readString(dataDir.resolve("embedded/environment.json")).contains(secret), "no secret in environment.json");
        assertEquals(first.environment(), EmbeddedDefault.recordedEnvironment(dataDir).orElseThrow());
        if (PrivateFiles.posix(dataDir)) {
            // The portal's and the clinic's rows live below data/embedded: closed to other accounts, as the secret is.
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("embedded"))));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("embedded/webhook-secret"))));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("embedded/environment.json"))));
        }

        EmbeddedDefault second = EmbeddedDefault.start(dataDir, port, false);
        try (EmbeddedStack stack = second.stack(); Connection clinic = DriverManager.getConnection(stack.clinicJdbcUrl())) {
            assertEquals(10, count(clinic, "SELECT Days FROM dbo.tblAlignerBatches WHERE AlignerBatchID = 12044"), "not reseeded");
            assertEquals(secret, second.environment().get("WEBHOOK_SECRET"));
        }
    }
}
