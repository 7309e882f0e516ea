package com.alignersync.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the daemon keeps its state, and how long parked changes are kept there.
 *
 * @param deadLetterRetention empty: dead letters stay until replayed or purged by hand
 */
public record DataConfig(Path dataDir, Optional<Duration> deadLetterRetention) {

    /** A hundred years: any larger number is a typo. */
    private static final int MAX_RETENTION_DAYS = 36_500;

    public static DataConfig from(ConfigReader reader) {
        int days = reader.intInRange(ConfigKeys.DATA_DEAD_LETTER_RETENTION_DAYS, 0, MAX_RETENTION_DAYS);
        Optional<Duration> retention = days == 0 ? Optional.empty() : Optional.of(Duration.ofDays(days));
        String value = reader.string(ConfigKeys.DATA_DIR);
        try {
            return new DataConfig(Path.of(value), retention);
        } catch (InvalidPathException | NullPointerException e) {
            reader.problem(ConfigKeys.DATA_DIR.label() + " is '" + value + "': expected a directory path");
            return new DataConfig(Path.of("data"), retention);
        }
    }
}
