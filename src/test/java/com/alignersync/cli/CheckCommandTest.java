package com.alignersync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.app.ExitCodes;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.source.poll.support.FakePostgrest;
import com.alignersync.source.poll.support.PollFixture;
import com.alignersync.support.PortalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} against a real Postgres prepared by supabase-setup.sql, an H2 clinic and the
 * fake PostgREST: all OK when prepared, and one FAIL line (exit 9) per thing broken on purpose.
 * Not covered: wal_level other than logical (every test server here is started with it, as
 * replication needs it; a server without it would be a separate start for a one-query check).
 * A lost slot is produced for real in {@link LostSlotCheckTest}.
 */
class CheckCommandTest {

    private static final Pattern LINE = Pattern.compile("^(OK|WARN|FAIL|SKIP)\\s+([^:]+): (.*)$", Pattern.MULTILINE);

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
    }

    @AfterAll
    static void stopPortal() throws Exception {
        rest.close();
        portal.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        // Idempotent: puts back whatever the previous test broke.
        portal.execute(Files.readString(Path.of("connector-config/supabase-setup.sql")));
        clinic = new H2ClinicTarget();
        configFile = dir.resolve("aligner-sync.properties");
        writeConfig(PollFixture.KEY, "");
    }

    @AfterEach
    void tearDown() throws Exception {
        clinic.close();
        portal.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'aligner_sync'");
    }

    private void writeConfig(String restKey, String extra) throws Exception {
        Files.writeString(configFile, String.join("\n",
                "supabase.url=" + rest.supabaseUrl(),
                "supabase.service-role-key=" + restKey,
                "supabase.db-url=" + portal.dbUrl(),
                "sqlserver.jdbc-url=" + clinic.jdbcUrl(),
                "webhook.secret=a-long-enough-test-secret-0123456789",
                // A TLS proxy on this machine forwards the webhook (the public listener's check line passes).
                "http.bind-address=127.0.0.1",
                "data.dir=" + dir.resolve("data").toString().replace('\\', '/'),
                extra));
    }

    private int check() {
        return cli.run("check", "--config", configFile.toString());
    }

    /** The verdict of the first line of that check. */
    private String status(String check) {
        Matcher m = LINE.matcher(cli.out());
        while (m.find()) {
            if (m.group(2).equals(check)) {
                return m.group(1);
            }
        }
        throw new AssertionError("no line for check '" + check + "' in:\n" + cli.out());
    }

    private String detail(String check) {
        Matcher m = LINE.matcher(cli.out());
        while (m.find()) {
            if (m.group(2).equals(check)) {
                return m.group(3);
            }
        }
        throw new AssertionError("no line for check '" + check + "' in:\n" + cli.out());
    }

    @Test
    void aPreparedSetupPassesEveryCheckAndOnlyWarnsThatTheSlotIsNotCreatedYet() {
        assertEquals(0, check(), cli.out() + "\n" + cli.err());
        for (String name : List.of("configuration", "state files", "postgres", "wal_level", "replication right", "publication",
                "replica identity", "aligner_notes.updated_at", "sql server", "ledger", "clinic tables", "rest api key")) {
            assertEquals("OK", status(name), name + " in:\n" + cli.out());
        }
        assertEquals("WARN", status("replication slot"));
        assertTrue(detail("replication slot").contains("will be created on first start"), cli.out());
        assertTrue(detail("publication").contains("public.aligner_notes"), cli.out());
        assertTrue(cli.out().contains("0 check(s) failed, 1 warning(s)"), cli.out());
    }

    @Test
    void theOriginCheckWarnsWhenNoRecentChangeIsTheClinics() throws Exception {
        portal.execute("TRUNCATE aligner_notes, aligner_batches; INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) VALUES (1, 1, 14)");
        portal.execute("UPDATE aligner_batches SET days = 10 WHERE aligner_batch_id = 1");
        try {
            check();
            assertEquals("WARN", status("origin stamps"), cli.out());
            assertTrue(detail("origin stamps").contains("0 by the clinic, 1 by doctors: none is the clinic's"), cli.out());
        } finally {
            portal.execute("TRUNCATE aligner_notes, aligner_batches");
        }
    }

    @Test
    void theOriginCheckShowsTheForwardSyncsConfiguredRole() throws Exception {
        portal.execute("TRUNCATE aligner_notes, aligner_batches; INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) VALUES (1, 1, 14)");
        portal.execute("UPDATE aligner_sync_settings SET forward_sync_roles = '{service_role}'");
        portal.execute("SET aligner_sync.origin = 'clinic'; UPDATE aligner_batches SET days = 21 WHERE aligner_batch_id = 1");
        try {
            check();
            assertEquals("OK", status("origin stamps"), detail("origin stamps"));
            assertTrue(detail("origin stamps").contains("role(s) service_role"), cli.out());
            assertTrue(detail("origin stamps").contains("1 by the clinic, 0 by doctors"), cli.out());
        } finally {
            portal.execute("UPDATE aligner_sync_settings SET forward_sync_roles = '{}'; TRUNCATE aligner_notes, aligner_batches");
        }
    }

    @Test
    void anExistingSlotIsReportedWithItsWalStatus() throws Exception {
        portal.execute("SELECT pg_create_logical_replication_slot('aligner_sync', 'pgoutput')");
        assertEquals(0, check(), cli.out());
        assertEquals("OK", status("replication slot"));
        assertTrue(detail("replication slot").contains("inactive, wal_status reserved"), cli.out());
    }

    @Test
    void aMissingPublicationFailsNamingTheSetupScript() throws Exception {
        portal.execute("DROP PUBLICATION aligner_sync_pub");
        assertEquals(ExitCodes.CHECK_FAILED, check());
        assertEquals("FAIL", status("publication"));
        assertTrue(detail("publication").contains("aligner_sync_pub does not exist: run connector-config/supabase-setup.sql"), cli.out());
    }

    @Test
    void aPublicationWithoutTheBatchesTableFails() throws Exception {
        portal.execute("ALTER PUBLICATION aligner_sync_pub SET TABLE public.aligner_notes");
        assertEquals(ExitCodes.CHECK_FAILED, check());
        assertTrue(detail("publication").contains("does not publish public.aligner_batches"), cli.out());
    }

    @Test
    void replicaIdentityDefaultFailsWithTheStatementThatFixesIt() throws Exception {
        portal.execute("ALTER TABLE aligner_batches REPLICA IDENTITY DEFAULT");
        assertEquals(ExitCodes.CHECK_FAILED, check());
        assertEquals("FAIL", status("replica identity"));
        assertTrue(detail("replica identity").contains("public.aligner_batches is DEFAULT (alter table public.aligner_batches replica identity full)"),
                cli.out());
    }

    @Test
    void aRoleWithoutReplicationFails() throws Exception {
        portal.execute("DROP ROLE IF EXISTS sync_reader; CREATE ROLE sync_reader LOGIN PASSWORD 'pw'");
        writeConfig(PollFixture.KEY, "supabase.db-url=postgresql://sync_reader:pw@localhost:" + portal.port() + "/postgres");
        assertEquals(ExitCodes.CHECK_FAILED, check());
        assertEquals("FAIL", status("replication right"));
        assertTrue(detail("replication right").contains("alter role sync_reader with replication"), cli.out());
    }

    @Test
    void notesWithoutUpdatedAtOnlyWarn() throws Exception {
        portal.execute("ALTER TABLE aligner_notes DROP COLUMN updated_at CASCADE");
        assertEquals(0, check(), cli.out());
        assertEquals("WARN", status("aligner_notes.updated_at"));
    }

    @Test
    void aMissingLedgerFailsNamingInit() throws Exception {
        try (var c = clinic.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("DROP TABLE dbo.AlignerSyncLedger");
        }
        assertEquals(ExitCodes.CHECK_FAILED, check());
        assertEquals("OK", status("sql server"));
        assertEquals("FAIL", status("ledger"));
        assertTrue(detail("ledger").contains("run 'aligner-sync init'"), cli.out());
        assertEquals("OK", status("clinic tables"));
    }

    @Test
    void aRefusedRestKeyFailsWithTheStatus() throws Exception {
        writeConfig("sb_secret_wrong_key", "");
        assertEquals(ExitCodes.CHECK_FAILED, check());
        assertEquals("FAIL", status("rest api key"));
        assertTrue(detail("rest api key").contains("HTTP 401"), cli.out());
        assertTrue(!cli.out().contains("sb_secret_wrong_key"), "the key must never be printed");
    }

    @Test
    void anUnreachablePostgresFailsOnceAndSkipsTheChecksThatNeedIt() throws Exception {
        writeConfig(PollFixture.KEY, "supabase.db-url=postgresql://postgres:secret-pw@127.0.0.1:1/postgres");
        assertEquals(ExitCodes.CHECK_FAILED, check());
        assertEquals("FAIL", status("postgres"));
        assertEquals("SKIP", status("wal_level"));
        assertEquals("SKIP", status("replication slot"));
        assertEquals("OK", status("ledger"));
        assertTrue(!cli.out().contains("secret-pw"), "the password must never be printed");
    }

    @Test
    void thePublicListenerFailsInClearTextOnAReachableAddressAndSaysWhichCertificateItWouldServe() throws Exception {
        writeConfig(PollFixture.KEY, "http.bind-address=0.0.0.0");
        assertEquals(ExitCodes.CHECK_FAILED, check(), cli.out());
        assertEquals("FAIL", status("public listener"));
        assertTrue(detail("public listener").contains("clear text") && detail("public listener").contains("http.behind-proxy"), cli.out());

        java.nio.file.Path store = com.alignersync.http.TestCertificates.pkcs12(dir, "sync.clinic.example", "RSA");
        writeConfig(PollFixture.KEY, "http.bind-address=0.0.0.0\nhttp.tls.certificate=" + store.toString().replace('\\', '/')
                + "\nhttp.tls.key-store-password=" + com.alignersync.http.TestCertificates.PASSWORD);
        cli.clear();
        check();
        assertEquals("OK", status("public listener"), cli.out());
        assertTrue(detail("public listener").contains("CN=sync.clinic.example") && detail("public listener").contains("valid until"), cli.out());

        writeConfig(PollFixture.KEY, "http.bind-address=0.0.0.0\nhttp.tls.certificate=" + store.toString().replace('\\', '/')
                + "\nhttp.tls.key-store-password=not-the-password");
        cli.clear();
        assertEquals(ExitCodes.CHECK_FAILED, check(), cli.out());
        assertEquals("FAIL", status("public listener"));
        assertTrue(detail("public listener").contains("http.tls.key-store-password"), cli.out());
    }

    @Test
    void disabledInputsAreSkippedNotFailed() throws Exception {
        writeConfig(PollFixture.KEY, "cdc.enabled=false\npoll.enabled=false");
        assertEquals(0, check(), cli.out());
        assertEquals("SKIP", status("wal_level"));
        assertTrue(detail("wal_level").contains("cdc.enabled=false"), cli.out());
        assertEquals("WARN", status("rest api key"));
        assertEquals("OK", status("ledger"));
    }

    @Test
    void anInvalidConfigurationFailsEachProblemAndStillChecksTheValidSections() throws Exception {
        writeConfig(PollFixture.KEY, "cdc.slot-name=Bad-Slot\nsink.retry.max-attempts=zero");
        assertEquals(ExitCodes.CONFIG, check());
        assertTrue(cli.out().contains("FAIL  configuration: cdc.slot-name (env CDC_SLOT_NAME) is 'Bad-Slot'"), cli.out());
        assertTrue(cli.out().contains("FAIL  configuration: sink.retry.max-attempts"), cli.out());
        assertEquals("SKIP", status("wal_level"));
        assertEquals("OK", status("ledger"));
    }

    @Test
    void aCorruptStateFileFails() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data").resolve("offsets.json"), "{broken");
        assertEquals(ExitCodes.CHECK_FAILED, check());
        assertEquals("FAIL", status("state files"));
        assertTrue(detail("state files").contains("offsets.json"), cli.out());
    }
}
