package com.alignersync.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Where the daemon keeps its state. */
public record DataConfig(Path dataDir) {

    public static DataConfig from(ConfigReader reader) {
        String value = reader.string(ConfigKeys.DATA_DIR);
        try {
            return new DataConfig(Path.of(value));
        } catch (InvalidPathException | NullPointerException e) {
            reader.problem(ConfigKeys.DATA_DIR.label() + " is '" + value + "': expected a directory path");
            return new DataConfig(Path.of("data"));
        }
    }
}
