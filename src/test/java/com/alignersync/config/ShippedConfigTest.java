package com.alignersync.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The shipped properties file documents every key, and nothing the daemon does not read. */
class ShippedConfigTest {

    private static final Path SHIPPED = Path.of("connector-config/aligner-sync.properties");

    @Test
    void everyKeyIsInTheShippedFileWithItsEnvironmentVariable() throws IOException {
        String text = Files.readString(SHIPPED);
        for (ConfigKey key : ConfigKeys.all()) {
            assertTrue(text.contains("\n" + key.property() + "="), "missing " + key.property());
            assertTrue(text.contains("[" + key.env() + "]"), "undocumented env " + key.env());
        }
    }

    @Test
    void theShippedFileHasNoUnknownKeysAndNoSecretValues() throws IOException {
        Properties shipped = new Properties();
        try (var reader = Files.newBufferedReader(SHIPPED)) {
            shipped.load(reader);
        }
        var declared = ConfigKeys.all().stream().map(ConfigKey::property).toList();
        for (String name : shipped.stringPropertyNames()) {
            assertTrue(declared.contains(name), name + " is in the file but no ConfigKey declares it");
        }
        Settings settings = Settings.load(SHIPPED, true, Map.of());
        for (ConfigKey key : ConfigKeys.all()) {
            if (key.secret()) {
                String value = settings.raw(key);
                assertTrue(value == null || value.isEmpty(), key.property() + " must not ship a value");
            }
        }
    }
}
