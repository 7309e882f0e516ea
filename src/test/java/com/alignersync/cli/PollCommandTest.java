package com.alignersync.cli;

import com.alignersync.app.ExitCodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.source.poll.support.FakePostgrest;
import com.alignersync.source.poll.support.PollFixture;
import com.alignersync.state.PollStateStore;
import com.alignersync.state.DataDirectory;
import com.alignersync.support.PortalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aligner-sync poll}: one poll, a dry run, a corrupt state file, a deliberate reset. */
class PollCommandTest {

    static PortalPostgres portal;
    static FakePostgrest rest;

    @TempDir
    Path dir;
    H2ClinicTarget clinic;
    Path configFile;
    private final CommandRunner cli = new CommandRunner();

    @BeforeAll
    static void startPortal() throws Exception {
        portal = PortalPostgres.start();
        rest = FakePostgrest.start(portal.dataSource(), PollFixture.KEY);
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days, updated_at)"
                + " SELECT g, 1, 10, now() - interval '1 hour' FROM generate_series(1, 5) g");
    }

    @AfterAll
    static void stopPortal() throws Exception {
        rest.close();
        portal.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        clinic = new H2ClinicTarget();
        PollFixture.clinicBatches(clinic, 1, 5);
        configFile = dir.resolve("aligner-sync.properties");
        Files.writeString(configFile, String.join("\n",
                "supabase.url=" + rest.supabaseUrl(),
                "supabase.service-role-key=" + PollFixture.KEY,
                "sqlserver.jdbc-url=" + clinic.jdbcUrl(),
                "poll.notes.cursor=created-edited",
                "data.dir=" + dir.resolve("data").toString().replace('\\', '/')));
    }

    @AfterEach
    void tearDown() {
        clinic.close();
    }

    private int run(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "poll";
        System.arraycopy(args, 0, full, 1, args.length);
        full[args.length + 1] = "--config";
        full[args.length + 2] = configFile.toString();
        return cli.run(full);
    }

    @Test
    void pollAppliesWhatChangedAndPrintsCountsPerCursor() throws Exception {
        int seeded = clinic.writes();
        assertEquals(0, run(), cli.err());
        assertTrue(cli.out().contains("Poll complete"), cli.out());
        assertTrue(cli.out().matches("(?s).*aligner_batches\\.updated_at\\s+\\d+\\s+5\\s+5\\s.*"), cli.out());
        assertEquals(5, clinic.writes() - seeded);
        assertTrue(Files.exists(dir.resolve("data").resolve(PollStateStore.FILE_NAME)));
    }

    @Test
    void dryRunListsTheChangesAndWritesNothing() throws Exception {
        int seeded = clinic.writes();
        assertEquals(0, run("--dry-run"), cli.err());
        assertTrue(cli.out().contains("5 change(s) would apply"), cli.out());
        assertTrue(cli.out().contains("would apply aligner_batches #3"), cli.out());
        assertEquals(seeded, clinic.writes());
        assertFalse(Files.exists(dir.resolve("data").resolve(PollStateStore.FILE_NAME)));
    }

    @Test
    void aCorruptStateFileExitsWithTheStateCodeNamingTheFile() throws Exception {
        Path state = dir.resolve("data").resolve(PollStateStore.FILE_NAME);
        Files.createDirectories(state.getParent());
        Files.writeString(state, "garbage");
        assertEquals(ExitCodes.STATE, run());
        assertTrue(cli.err().contains(state.toString()), cli.err());
        assertEquals("garbage", Files.readString(state));
    }

    @Test
    void resetCursorMovesTheStateAsideAndSinceSetsEveryCursor() throws Exception {
        Path state = dir.resolve("data").resolve(PollStateStore.FILE_NAME);
        Files.createDirectories(state.getParent());
        Files.writeString(state, "garbage");
        Instant since = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        assertEquals(0, run("--reset-cursor", "--since", since.toString()), cli.err());
        assertTrue(cli.out().contains("Previous state kept as"), cli.out());
        assertTrue(Files.readString(state).contains(since.toString()));
        assertEquals(0, run(), cli.err());
    }

    @Test
    void aPollIsRefusedWhileADaemonHoldsTheDataDirectoryButADryRunIsNot() throws Exception {
        try (DataDirectory daemon = DataDirectory.lock(dir.resolve("data"))) {
            assertEquals(ExitCodes.LOCKED, run());
            assertTrue(cli.err().contains("POST /api/sync/poll"), cli.err());
            assertEquals(ExitCodes.LOCKED, run("--reset-cursor"));
            assertEquals(0, run("--dry-run"), cli.err());
        }
    }

    @Test
    void anUnreachableRestApiExitsWithTheSourceCode() throws Exception {
        Files.writeString(configFile, Files.readString(configFile).replace(rest.supabaseUrl(), "http://127.0.0.1:1"));
        assertEquals(ExitCodes.SOURCE, run());
        assertTrue(cli.err().contains("poll failed: rest"), cli.err());
    }
}
