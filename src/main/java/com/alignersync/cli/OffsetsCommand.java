package com.alignersync.cli;

import com.alignersync.app.ExitCodes;

import com.alignersync.config.ConfigException;
import com.alignersync.config.ConfigKeys;
import com.alignersync.config.ConfigReader;
import com.alignersync.state.CorruptStateFileException;
import com.alignersync.state.OffsetFile;
import com.alignersync.state.StoredOffsets;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** Shows the CDC position stored in {@code data/offsets.json}, offline: no Debezium, no database. */
@Command(name = "offsets", mixinStandardHelpOptions = true,
        description = {"Show the CDC position (LSN) stored in <data.dir>/offsets.json, without starting anything.",
                "Exit code 4 when the file exists but is corrupt."})
final class OffsetsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dataDir;
        try {
            ConfigReader reader = config.reader();
            dataDir = Path.of(reader.string(ConfigKeys.DATA_DIR));
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return ExitCodes.CONFIG;
        }
        OffsetFile file = OffsetFile.inDataDir(dataDir, new ObjectMapper());
        StoredOffsets stored;
        try {
            stored = file.read();
        } catch (CorruptStateFileException e) {
            err.println(e.getMessage());
            return ExitCodes.STATE;
        }
        out.println("CDC offsets file: " + file.path());
        if (stored.isEmpty()) {
            out.println("  no position stored yet: the CDC input has not committed a batch (or starts from its slot)");
            return 0;
        }
        out.println("  last processed LSN: " + stored.lsn().map(StoredOffsets::lsnText).orElse("-"));
        out.println("  last commit LSN:    " + stored.commitLsn().map(StoredOffsets::lsnText).orElse("-"));
        out.println("  source commit time: " + stored.sourceTime().map(Object::toString).orElse("-"));
        return 0;
    }
}
