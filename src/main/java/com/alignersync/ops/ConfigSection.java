package com.alignersync.ops;

import com.alignersync.config.ConfigException;
import com.alignersync.config.ConfigReader;
import com.alignersync.config.Settings;
import java.util.List;
import java.util.function.Function;

/**
 * One configuration section parsed on its own reader, so {@code status} and {@code check} can
 * tell which sections are usable: a missing webhook secret must not hide the slot's state.
 *
 * @param value    the parsed section; usable only when {@code problems} is empty
 * @param problems what is wrong, each naming the key and the fix
 */
public record ConfigSection<T>(T value, List<String> problems) {

    public ConfigSection {
        problems = List.copyOf(problems);
    }

    public static <T> ConfigSection<T> parse(Settings settings, Function<ConfigReader, T> section) {
        ConfigReader reader = new ConfigReader(settings);
        T value = section.apply(reader);
        try {
            reader.throwIfProblems();
            return new ConfigSection<>(value, List.of());
        } catch (ConfigException e) {
            return new ConfigSection<>(value, e.problems());
        }
    }

    public boolean valid() {
        return problems.isEmpty();
    }
}
