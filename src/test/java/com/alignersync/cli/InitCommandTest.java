package com.alignersync.cli;

import com.alignersync.app.ExitCodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.sink.support.H2ClinicTarget;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InitCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void initCreatesTheLedgerAndCanRunAgain() throws Exception {
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            target.dropLedger();
            Path config = dir.resolve("test.properties");
            Files.writeString(config, "sqlserver.jdbc-url=" + target.jdbcUrl() + "\n");

            assertEquals(0, run("init", "--config", config.toString()));
            assertTrue(out.toString().contains("Ledger table dbo.AlignerSyncLedger is in place"), out.toString());
            assertEquals(0, run("init", "--config", config.toString()), "init is idempotent");
            assertEquals(0, ((Number) target.query("SELECT COUNT(*) AS N FROM dbo.AlignerSyncLedger").get(0).get("N")).intValue());
        }
    }

    @Test
    void initWithoutAJdbcUrlFailsWithTheConfigExitCode() throws Exception {
        Path config = dir.resolve("empty.properties");
        Files.writeString(config, "");
        assertEquals(ExitCodes.CONFIG, run("init", "--config", config.toString()));
        assertTrue(err.toString().contains("sqlserver.jdbc-url (env SQLSERVER_JDBC_URL) is not set"), err.toString());
    }

    @Test
    void printShowsTheSqlServerDdlWithoutConnecting() {
        assertEquals(0, run("init", "--print"));
        assertTrue(out.toString().contains("CREATE TABLE dbo.AlignerSyncLedger"), out.toString());
        assertTrue(out.toString().contains("GO"));
    }
}
