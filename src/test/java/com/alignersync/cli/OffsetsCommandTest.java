package com.alignersync.cli;

import com.alignersync.app.ExitCodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code offsets} reads data/offsets.json offline and names a corrupt file with its own exit code. */
class OffsetsCommandTest {

    @TempDir
    Path dir;

    private final CommandRunner cli = new CommandRunner();

    private int run(String... args) {
        return cli.run(args);
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
        assertTrue(cli.out().contains("last processed LSN: 0/153B568"), cli.out());
        assertTrue(cli.out().contains("source commit time: 2026-11-25T09:21:14.168386Z"), cli.out());
    }

    @Test
    void aMissingFileMeansNoPositionYet() throws Exception {
        assertEquals(0, run("offsets", "--config", config().toString()));
        assertTrue(cli.out().contains("no position stored yet"), cli.out());
    }

    @Test
    void aCorruptFileExitsWithTheStateCodeNamingTheFile() throws Exception {
        Files.writeString(dir.resolve("offsets.json"), "{\"format\": \"aligner-sync-off");
        assertEquals(ExitCodes.STATE, run("offsets", "--config", config().toString()));
        assertTrue(cli.err().contains(dir.resolve("offsets.json").toString()), cli.err());
    }
}
