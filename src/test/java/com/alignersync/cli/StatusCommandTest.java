package com.alignersync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.app.ExitCodes;
import com.alignersync.support.OpsServers;
import com.alignersync.event.Input;
import com.alignersync.http.HttpServer;
import com.alignersync.status.StatusSource;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.state.DataDirectory;
import com.alignersync.state.PollState;
import com.alignersync.state.PollStateStore;
import com.alignersync.state.StoredOffsets;
import com.alignersync.support.PortalPostgres;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status}: offline from data/ alone, live from a real Postgres slot, an H2 clinic and a
 * daemon's HTTP status endpoint, a corrupt state file, the --json keys scripts rely on, the
 * table for people, and the data directory of a running {@code run --embedded}.
 */
class StatusCommandTest {

    private static final String OFFSETS = """
            {"format": "aligner-sync-offsets/1",
             "offsets": [{"key": ["aligner-sync-cdc", {"server": "aligner_sync"}],
                          "value": {"lsn": %d, "lsn_commit": %d, "ts_usec": 1795598474168386}}]}
            """;

    static PortalPostgres portal;

    @TempDir
    Path dir;
    Path dataDir;
    H2ClinicTarget clinic;
    Path configFile;
    private CommandRunner cli = new CommandRunner();
    final ObjectMapper mapper = new ObjectMapper();

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
        clinic = new H2ClinicTarget();
        dataDir = dir.resolve("data");
        configFile = dir.resolve("aligner-sync.properties");
        writeConfig("cdc.enabled=false");
    }

    @AfterEach
    void tearDown() throws Exception {
        clinic.close();
        portal.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'aligner_sync'");
    }

    private void writeConfig(String... extra) throws Exception {
        List<String> lines = new ArrayList<>(List.of(
                "supabase.db-url=" + portal.dbUrl(),
                "sqlserver.jdbc-url=" + clinic.jdbcUrl(),
                "data.dir=" + dataDir.toString().replace('\\', '/')));
        lines.addAll(List.of(extra));
        Files.writeString(configFile, String.join("\n", lines));
    }

    private int status(String... args) {
        List<String> full = new ArrayList<>(List.of("status", "--config", configFile.toString()));
        full.addAll(List.of(args));
        return cli.run(full.toArray(String[]::new));
    }

    /** The value of a text line, matched by its label. */
    private String line(String label) {
        return cli.out().lines().filter(l -> l.startsWith(label + " ")).map(l -> l.substring(label.length()).trim())
                .findFirst().orElseThrow(() -> new AssertionError("no line '" + label + "' in:\n" + cli.out()));
    }

    private void seedState() throws Exception {
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("offsets.json"), OFFSETS.formatted(22263144L, 22263144L));
        new PollStateStore(dataDir, mapper).save(new PollState(
                Map.of("aligner_batches.updated_at", new PollState.StoredCursor(Instant.parse("2026-11-25T08:00:00Z"), 12044L)),
                null, Instant.parse("2026-11-25T08:00:00Z"), Instant.parse("2026-11-25T08:05:00Z"), false));
        DeadLetterLog deadLetters = new DeadLetterLog(dataDir, mapper, Clock.systemUTC());
        deadLetters.parkRaw(Input.POLL, "first: days is not an integer", mapper.createObjectNode());
        deadLetters.parkRaw(Input.CDC, "second: unknown batch 77", mapper.createObjectNode());
    }

    @Test
    void offlineOnAnEmptyDataDirectoryShowsNothingStoredAndUnreachablePartsWithoutFailing() throws Exception {
        clinic.close();
        writeConfig("supabase.db-url=postgresql://postgres:secret-pw@127.0.0.1:1/postgres",
                "sqlserver.jdbc-url=jdbc:h2:mem:no-such-clinic;IFEXISTS=TRUE");
        assertEquals(0, status("--flat"), cli.err());
        assertEquals("false", line("dataDir.exists"));
        assertEquals("not running", line("daemon.state"));
        assertEquals("-", line("cdc.storedLsn"));
        assertEquals("(none)", line("poll.cursors"));
        assertEquals("0", line("deadLetters.count"));
        assertEquals("unreachable", line("slot.state"));
        assertTrue(line("slot.reason").contains("127.0.0.1:1"), cli.out());
        assertEquals("unreachable", line("sink.state"));
        assertFalse(Files.exists(dataDir), "status must not create the data directory");
        assertFalse(cli.out().contains("secret-pw"), "the password must never be printed");
    }

    @Test
    void showsStoredLsnPollCursorsAndTheLastDeadLetterReasons() throws Exception {
        seedState();
        assertEquals(0, status("--flat"), cli.err());
        assertEquals("0/153B568", line("cdc.storedLsn"));
        assertEquals("2026-11-25T09:21:14.168386Z", line("cdc.sourceCommitTime"));
        assertEquals("2026-11-25T08:05:00Z", line("poll.lastPollTime"));
        assertEquals("2026-11-25T08:00:00Z", line("poll.cursors.aligner_batches.updated_at.ts"));
        assertEquals("12044", line("poll.cursors.aligner_batches.updated_at.key"));
        assertEquals("2", line("deadLetters.count"));
        assertEquals("second: unknown batch 77", line("deadLetters.recent[1].reason"));
        assertEquals("skipped", line("slot.state"));
        assertEquals("reachable", line("sink.state"));
        assertEquals("present", line("sink.ledger"));
        assertEquals("not running", line("daemon.state"));
    }

    @Test
    void aCorruptOffsetsFileExitsWithTheStateCodeAndStillShowsTheRest() throws Exception {
        seedState();
        Files.writeString(dataDir.resolve("offsets.json"), "{\"format\": \"aligner-sync-off");
        assertEquals(ExitCodes.STATE, status("--flat"));
        assertTrue(cli.err().contains(dataDir.resolve("offsets.json").toString()), cli.err());
        assertTrue(line("cdc.error").contains("is corrupt"), cli.out());
        assertEquals("2", line("deadLetters.count"));
        assertEquals("12044", line("poll.cursors.aligner_batches.updated_at.key"));
        assertEquals("reachable", line("sink.state"));
    }

    @Test
    void aMissingLedgerIsShownAsSuchWithTheFix() throws Exception {
        try (Connection c = clinic.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE dbo.AlignerSyncLedger");
        }
        assertEquals(0, status("--flat"), cli.err());
        assertEquals("missing", line("sink.ledger"));
        assertTrue(line("sink.reason").contains("init"), cli.out());
    }

    @Test
    void anInvalidConfigurationExitsWithTheConfigCodeAfterShowingWhatDataSays() throws Exception {
        seedState();
        writeConfig("cdc.slot-name=Bad-Slot");
        assertEquals(ExitCodes.CONFIG, status("--flat"));
        assertTrue(cli.err().contains("cdc.slot-name"), cli.err());
        assertEquals("0/153B568", line("cdc.storedLsn"));
        assertEquals("skipped", line("slot.state"));
    }

    @Test
    void liveSlotLagAndTheRunningDaemonsStatusInJsonWithStableKeys() throws Exception {
        portal.execute("SELECT pg_create_logical_replication_slot('aligner_sync', 'pgoutput')");
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) VALUES (1, 1, 10)");
        long confirmed;
        long current;
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT confirmed_flush_lsn::text, pg_current_wal_lsn()::text FROM pg_replication_slots"
                     + " WHERE slot_name = 'aligner_sync'")) {
            rs.next();
            confirmed = StoredOffsets.parseLsn(rs.getString(1));
            current = StoredOffsets.parseLsn(rs.getString(2));
        }
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("offsets.json"), OFFSETS.formatted(confirmed + 100, confirmed + 100));

        StatusSource cdcPart = new StatusSource() {
            @Override
            public String statusName() {
                return "cdc";
            }

            @Override
            public Map<String, Object> statusSnapshot() {
                return Map.of("state", "streaming", "warnings", List.of("slot lag high"));
            }
        };
        HttpServer daemonHttp = OpsServers.ops(List.of(cdcPart), Optional::empty, "operator-secret-0123456789");
        try (DataDirectory held = DataDirectory.lock(dataDir)) {
            daemonHttp.start();
            writeConfig("ops.port=" + daemonHttp.port(), "http.operator-secret=operator-secret-0123456789");
            assertEquals(0, status("--json"), cli.err());
            JsonNode json = mapper.readTree(cli.out());
            assertEquals(List.of("dataDir", "daemon", "cdc", "slot", "poll", "deadLetters", "verify", "sink"), fieldNames(json));
            assertEquals("running", json.at("/daemon/state").asText());
            assertEquals("pid " + ProcessHandle.current().pid(), json.at("/daemon/holder").asText());
            assertEquals("reachable", json.at("/daemon/live/state").asText());
            assertEquals("degraded", json.at("/daemon/live/status/summary/state").asText());
            assertEquals("streaming", json.at("/daemon/live/status/cdc/state").asText());

            assertEquals("reachable", json.at("/slot/state").asText());
            assertTrue(json.at("/slot/exists").asBoolean());
            assertFalse(json.at("/slot/active").asBoolean());
            assertEquals("reserved", json.at("/slot/walStatus").asText());
            assertEquals(StoredOffsets.lsnText(confirmed), json.at("/slot/confirmedFlushLsn").asText());
            assertEquals(100, json.at("/slot/storedMinusConfirmedBytes").asLong());
            assertTrue(json.at("/slot/currentMinusConfirmedBytes").asLong() >= current - confirmed, json.toString());
            assertEquals("reachable", json.at("/sink/state").asText());

            cli = new CommandRunner();
            assertEquals(0, status("--flat"), cli.err());
            assertEquals("degraded", line("daemon.live.status.summary.state"));
            assertEquals("cdc: slot lag high", line("daemon.live.status.summary.warnings"));
            assertEquals("streaming", line("daemon.live.status.cdc"));
            assertEquals("reserved", line("slot.walStatus"));
        } finally {
            daemonHttp.stop();
        }
    }

    /** The table row of one input (or the sink), split into its cells. */
    private String[] row(String input) {
        String line = cli.out().lines().filter(l -> l.startsWith(input + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row '" + input + "' in:\n" + cli.out()));
        return line.trim().split(" {2,}");
    }

    @Test
    void theDefaultTableShowsEachInputAndTheSinkAndEveryWarningSaysWhatToDo() throws Exception {
        seedState();
        assertEquals(0, status(), cli.err());
        assertTrue(cli.out().startsWith("aligner-sync status: daemon not running"), cli.out());
        assertTrue(cli.out().contains("INPUT    STATE"), cli.out());
        assertEquals("disabled", row("cdc")[1], cli.out());
        assertEquals("stopped", row("webhook")[1]);
        assertEquals("stopped", row("poll")[1]);
        assertTrue(row("poll")[2].endsWith("ago (stored)"), cli.out());
        assertEquals("reachable", row("sink")[1]);
        assertEquals("2 waiting", row("sink")[row("sink").length - 1]);
        assertTrue(cli.out().contains("! the daemon is not running -> start it: aligner-sync run"), cli.out());
        assertTrue(cli.out().contains("! 2 change(s) parked in " + dataDir.resolve("dead-letter").resolve(DeadLetterLog.FILE_NAME)), cli.out());
        cli.out().lines().filter(l -> l.startsWith("  ! ")).forEach(w -> assertTrue(w.contains(" -> "), "says what to do: " + w));
    }

    @Test
    void aMissingLedgerIsAWarningNamingInit() throws Exception {
        try (Connection c = clinic.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE dbo.AlignerSyncLedger");
        }
        assertEquals(0, status(), cli.err());
        assertEquals("ledger missing", row("sink")[1]);
        assertTrue(cli.out().contains("! the ledger table is missing in SQL Server -> run: aligner-sync init"), cli.out());
    }

    @Test
    void jsonAndFlatTogetherAreRefused() {
        assertEquals(ExitCodes.CONFIG, status("--json", "--flat"));
        assertTrue(cli.err().contains("choose one"), cli.err());
    }

    @Test
    void inTheDataDirectoryOfRunEmbeddedStatusUsesThatRunsConfigurationAndReportsTheRunningDaemon() throws Exception {
        int httpPort;
        int opsPort;
        int postgresPort;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0); ServerSocket c = new ServerSocket(0)) {
            httpPort = a.getLocalPort();
            postgresPort = b.getLocalPort();
            opsPort = c.getLocalPort();
        }
        // What a newcomer has: no database settings at all; run --embedded supplies them.
        Files.writeString(configFile, String.join("\n",
                "data.dir=" + dataDir.toString().replace('\\', '/'),
                "http.port=" + httpPort,
                // No bind address either: run --embedded keeps the webhook on loopback when no TLS or proxy is named.
                "ops.port=" + opsPort,
                "embedded.postgres-port=" + postgresPort,
                "cdc.slot-check-interval-ms=1000",
                ""));
        CommandRunner runner = new CommandRunner();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread run = new Thread(() -> exit.set(runner.run("run", "--embedded", "--config", configFile.toString())), "run-embedded");
        run.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI statusUri = URI.create("http://127.0.0.1:" + opsPort + "/api/sync/status");
            awaitTrue("the embedded run streams", Duration.ofSeconds(180), () -> {
                assertTrue(run.isAlive(), "run --embedded exited early: " + runner.err());
                try {
                    return mapper.readTree(http.send(HttpRequest.newBuilder(statusUri).build(), HttpResponse.BodyHandlers.ofString()).body())
                            .at("/cdc/state").asText().equals("streaming");
                } catch (Exception notYet) {
                    return false;
                }
            });
            try (Connection portalDb = DriverManager.getConnection("jdbc:postgresql://localhost:" + postgresPort + "/postgres", "postgres", "postgres");
                 Statement s = portalDb.createStatement()) {
                s.execute("UPDATE aligner_batches SET days = 10 WHERE aligner_batch_id = 12044");
            }
            awaitTrue("the edit is applied", Duration.ofSeconds(60), () -> {
                try {
                    // The detail takes the operator secret; an embedded run's is the webhook secret it generated.
                    String secret = Files.readString(dataDir.resolve("embedded").resolve("webhook-secret")).trim();
                    return mapper.readTree(http.send(HttpRequest.newBuilder(statusUri).header("Authorization", "Bearer " + secret).build(),
                                    HttpResponse.BodyHandlers.ofString()).body())
                            .at("/sink/events/cdc/applied").asInt() == 1;
                } catch (Exception notYet) {
                    return false;
                }
            });

            assertEquals(0, status("--json"), cli.err());
            assertFalse(cli.err().contains("invalid"), cli.err());
            JsonNode json = mapper.readTree(cli.out());
            assertEquals(dataDir.resolve("embedded").resolve("environment.json").toString(), json.at("/dataDir/embeddedRun").asText());
            assertEquals("running", json.at("/daemon/state").asText());
            assertEquals("reachable", json.at("/daemon/live/state").asText(), json.toString());
            assertEquals("reachable", json.at("/slot/state").asText(), json.toString());
            assertTrue(json.at("/slot/active").asBoolean(), json.toString());
            assertEquals("reachable", json.at("/sink/state").asText(), json.toString());
            assertEquals("present", json.at("/sink/ledger").asText());
            assertFalse(cli.out().contains(Files.readString(dataDir.resolve("embedded/webhook-secret")).trim()), "the secret is never printed");

            cli = new CommandRunner();
            assertEquals(0, status(), cli.err());
            assertTrue(cli.out().startsWith("aligner-sync status: ok (daemon running, pid "), cli.out());
            assertEquals("streaming", row("cdc")[1], cli.out());
            assertTrue(row("cdc")[2].endsWith("ago"), cli.out());
            assertTrue(row("cdc")[3].endsWith("(reserved)"), cli.out());
            assertEquals("1", row("cdc")[4], cli.out());
            assertEquals("accepting", row("webhook")[1]);
            assertEquals("disabled", row("poll")[1]);
            assertEquals("reachable", row("sink")[1]);
            assertTrue(cli.out().contains("No warnings."), cli.out());
        } finally {
            run.interrupt();
            run.join(60_000);
        }
        assertEquals(0, exit.get(), runner.err());

        // Stopped: still the embedded run's configuration, and the truth about what no longer answers.
        cli = new CommandRunner();
        assertEquals(0, status(), cli.err());
        assertTrue(cli.out().startsWith("aligner-sync status: daemon not running"), cli.out());
        assertEquals("stopped", row("cdc")[1]);
        assertTrue(cli.out().contains("(the embedded portal runs only while run --embedded runs)"), cli.out());
    }

    private static void awaitTrue(String what, Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(200);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
