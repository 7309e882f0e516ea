package com.alignersync.cli;

import com.alignersync.app.ExitCodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code offsets} reads data/offsets.json offline and names a corrupt file with its own exit code. */
class OffsetsCommandTest {

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

    private Path config() throws Exception {
        Path config = dir.resolve("test.properties");
        Files.writeString(config, "data.dir=" + dir.toString().replace("\\", "/") + "\n");
        return config;
    }

    @Test
    void showsTheStoredLsnInPostgresNotation() throws Exception {
        Files.writeString(dir.resolve("offsets.json"), """
                {"format": "aligner-sync-offsets/1",
                 "offsets": [{"key": ["aligner-sync-cdc", {"server": "aligner_sync"}],
                              "value": {"lsn": 22263144, "lsn_commit": 22263144, "ts_usec": 1795598474168386}}]}
                """);
        assertEquals(0, run("offsets", "--config", config().toString()));
        assertTrue(out.toString().contains("last processed LSN: 0/153B568"), out.toString());
        assertTrue(out.toString().contains("source commit time: 2026-11-25T09:21:14.168386Z"), out.toString());
    }

    @Test
    void aMissingFileMeansNoPositionYet() throws Exception {
        assertEquals(0, run("offsets", "--config", config().toString()));
        assertTrue(out.toString().contains("no position stored yet"), out.toString());
    }

    @Test
    void aCorruptFileExitsWithTheStateCodeNamingTheFile() throws Exception {
        Files.writeString(dir.resolve("offsets.json"), "{\"format\": \"aligner-sync-off");
        assertEquals(ExitCodes.STATE, run("offsets", "--config", config().toString()));
        assertTrue(err.toString().contains(dir.resolve("offsets.json").toString()), err.toString());
    }
}
