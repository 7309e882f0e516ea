package com.alignersync.cli;

import com.alignersync.app.ExitCodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.SinkConfig;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.LedgerMissingException;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.sink.support.H2ClinicTarget;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.ZoneOffset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitCommandTest {

    @TempDir
    Path dir;

    private final CommandRunner cli = new CommandRunner();

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void initCreatesTheLedgerAndCanRunAgain() throws Exception {
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            target.dropLedger();
            Path config = dir.resolve("test.properties");
            Files.writeString(config, "sqlserver.jdbc-url=" + target.jdbcUrl() + "\n");

            assertEquals(0, run("init", "--config", config.toString()));
            assertTrue(cli.out().contains("Ledger table dbo.AlignerSyncLedger is in place"), cli.out());
            assertEquals(0, run("init", "--config", config.toString()), "init is idempotent");
            assertEquals(0, ((Number) target.query("SELECT COUNT(*) AS N FROM dbo.AlignerSyncLedger").get(0).get("N")).intValue());
        }
    }

    @Test
    void initUpgradesALedgerFromAnEarlierReleaseKeepingItsEntries() throws Exception {
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            target.dropLedger();
            // The ledger as the first release created it: no LSN, no echo bookkeeping.
            target.execute("""
                    CREATE TABLE dbo.AlignerSyncLedger (
                      SourceTable varchar(64) NOT NULL, SourceKey bigint NOT NULL, AppliedVersion bigint NOT NULL,
                      ContentHash char(64) NOT NULL, IsTombstone bit NOT NULL, AppliedBy varchar(16) NOT NULL,
                      AppliedAt timestamp with time zone NOT NULL, CONSTRAINT PK_AlignerSyncLedger PRIMARY KEY (SourceTable, SourceKey))""");
            target.execute("INSERT INTO dbo.AlignerSyncLedger VALUES ('aligner_batches', 7, 42, '" + "a".repeat(64)
                    + "', 0, 'POLL', CURRENT_TIMESTAMP)");
            Path config = dir.resolve("test.properties");
            Files.writeString(config, "sqlserver.jdbc-url=" + target.jdbcUrl() + "\n");
            SqlServerSink sink = new SqlServerSink(target.dataSource(), target.dialect(), SinkConfig.defaults(), ZoneOffset.UTC,
                    new DeadLetterLog(dir, new ObjectMapper(), Clock.systemUTC()), new SinkMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
            LedgerMissingException notUpgraded = assertThrows(LedgerMissingException.class, sink::checkReady);
            assertTrue(notUpgraded.getMessage().contains("predates this release") && notUpgraded.getMessage().contains("init"),
                    notUpgraded.getMessage());

            assertEquals(0, run("init", "--config", config.toString()));
            assertEquals(0, run("init", "--config", config.toString()), "the upgrade is idempotent");
            sink.checkReady();
            var row = target.query("SELECT AppliedVersion, AppliedLsn, EchoHash FROM dbo.AlignerSyncLedger").get(0);
            assertEquals(42L, ((Number) row.get("APPLIEDVERSION")).longValue());
            assertEquals(null, row.get("APPLIEDLSN"));
            assertTrue(row.containsKey("ECHOHASH"));
        }
    }

    @Test
    void initWithoutAJdbcUrlFailsWithTheConfigExitCode() throws Exception {
        Path config = dir.resolve("empty.properties");
        Files.writeString(config, "");
        assertEquals(ExitCodes.CONFIG, run("init", "--config", config.toString()));
        assertTrue(cli.err().contains("sqlserver.jdbc-url (env SQLSERVER_JDBC_URL) is not set"), cli.err());
    }

    @Test
    void printShowsTheSqlServerDdlWithoutConnecting() {
        assertEquals(0, run("init", "--print"));
        assertTrue(cli.out().contains("CREATE TABLE dbo.AlignerSyncLedger"), cli.out());
        assertTrue(cli.out().contains("GO"));
    }
}
