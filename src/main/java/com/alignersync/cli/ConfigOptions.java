package com.alignersync.cli;

import com.alignersync.config.ConfigReader;
import com.alignersync.config.Settings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --config} option every command shares. */
final class ConfigOptions {

    static final String DEFAULT_FILE = "connector-config/aligner-sync.properties";

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file; environment variables override it (default: " + DEFAULT_FILE + ", optional)")
    Path file;

    ConfigReader reader() {
        return reader(Map.of());
    }

    /** @param overrides variables that win over the file and the real environment (the embedded databases) */
    ConfigReader reader(Map<String, String> overrides) {
        boolean explicit = file != null;
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(overrides);
        Settings settings = Settings.load(explicit ? file : Path.of(DEFAULT_FILE), explicit, env);
        return new ConfigReader(settings);
    }
}
