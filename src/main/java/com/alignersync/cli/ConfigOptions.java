package com.alignersync.cli;

import com.alignersync.config.ConfigReader;
import com.alignersync.config.Settings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option every command shares. */
final class ConfigOptions {

    static final String DEFAULT_FILE = "connector-config/aligner-sync.properties";

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file; environment variables override it (default: " + DEFAULT_FILE + ", optional)")
    Path file;

    ConfigReader reader() {
        boolean explicit = file != null;
        Settings settings = Settings.load(explicit ? file : Path.of(DEFAULT_FILE), explicit, System.getenv());
        return new ConfigReader(settings);
    }
}
