package com.alignersync.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads typed values from {@link Settings}, collecting every problem instead of stopping at
 * the first, so one start-up reports all of them. Each message names the key and the fix.
 */
public final class ConfigReader {

    private final Settings settings;
    private final List<String> problems = new ArrayList<>();

    public ConfigReader(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    public String string(ConfigKey key) {
        return settings.raw(key);
    }

    public String requiredString(ConfigKey key) {
        String value = settings.raw(key);
        if (value == null || value.isBlank()) {
            problems.add(key.label() + " is not set: " + key.doc());
            return null;
        }
        return value;
    }

    public boolean bool(ConfigKey key) {
        String value = settings.raw(key);
        String normalized = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (normalized.equals("true") || normalized.equals("false")) {
            return normalized.equals("true");
        }
        problems.add(key.label() + " is '" + value + "': expected true or false (" + key.doc() + ")");
        return Boolean.parseBoolean(key.defaultValue());
    }

    public int intInRange(ConfigKey key, int min, int max) {
        String value = settings.raw(key);
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        problems.add(key.label() + " is '" + value + "': expected a whole number from " + min + " to " + max + " (" + key.doc() + ")");
        return min;
    }

    public Duration millis(ConfigKey key, long min, long max) {
        String value = settings.raw(key);
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max) {
                return Duration.ofMillis(parsed);
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        problems.add(key.label() + " is '" + value + "': expected milliseconds from " + min + " to " + max + " (" + key.doc() + ")");
        return Duration.ofMillis(min);
    }

    public ZoneId zone(ConfigKey key) {
        String value = settings.raw(key);
        try {
            return ZoneId.of(value);
        } catch (DateTimeException | NullPointerException e) {
            problems.add(key.label() + " is '" + value + "': expected a time zone id such as UTC or Europe/Berlin");
            return ZoneId.of("UTC");
        }
    }

    public <E extends Enum<E>> E choice(ConfigKey key, Class<E> type) {
        String value = settings.raw(key);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value == null ? "" : value.replace('-', '_'))) {
                return constant;
            }
        }
        String allowed = String.join(", ", Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
        problems.add(key.label() + " is '" + value + "': expected one of " + allowed + " (" + key.doc() + ")");
        return type.getEnumConstants()[0];
    }

    /** Records a problem found by a section's own cross-field check. */
    public void problem(String message) {
        problems.add(message);
    }

    /** @throws ConfigException listing every problem found so far */
    public void throwIfProblems() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
