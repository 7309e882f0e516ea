package com.alignersync.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The raw configuration: the properties file, with each declared key overridden by its
 * environment variable when that is set. Typed values come from {@link ConfigReader}.
 */
public final class Settings {

    private final Map<String, String> values;
    private final Map<String, String> origins;

    private Settings(Map<String, String> values, Map<String, String> origins) {
        this.values = Map.copyOf(values);
        this.origins = Map.copyOf(origins);
    }

    /**
     * @param file the properties file; a missing file is an error only when {@code required}
     */
    public static Settings load(Path file, boolean required, Map<String, String> env) {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(java.util.List.of("cannot read configuration file " + file + ": " + e.getMessage()));
            }
        } else if (required) {
            throw new ConfigException(java.util.List.of("configuration file " + file + " does not exist (pass --config with an existing file)"));
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            values.put(name, properties.getProperty(name).trim());
            origins.put(name, file.toString());
        }
        for (ConfigKey key : ConfigKeys.all()) {
            String fromEnv = env.get(key.env());
            if (fromEnv != null) {
                values.put(key.property(), fromEnv.trim());
                origins.put(key.property(), "env " + key.env());
            }
        }
        return new Settings(values, origins);
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values, Map.of());
    }

    /** The value set for the key, else its default; null when neither exists. Blank counts as unset. */
    public String raw(ConfigKey key) {
        String value = values.get(key.property());
        return value == null || value.isEmpty() ? key.defaultValue() : value;
    }

    /** Every set property starting with the prefix, prefix removed (for pass-through sections such as debezium.source.*). */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** The effective configuration, secrets masked (a password inside a URL too), for the start-up log and {@code status}. */
    public Map<String, String> describe() {
        Map<String, String> out = new TreeMap<>();
        for (ConfigKey key : ConfigKeys.all()) {
            String value = raw(key);
            String shown = value == null ? "(unset)" : key.secret() ? (value.isEmpty() ? "(empty)" : "****") : UrlSecrets.mask(value);
            String origin = origins.get(key.property());
            out.put(key.property(), origin == null ? shown : shown + "  [" + origin + "]");
        }
        return out;
    }
}
