package com.alignersync.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is generated from ConfigKeys: this fails when someone changed one without the other. */
class ConfigReferenceTest {

    @Test
    void theConfigurationReferenceMatchesTheDeclaredKeys() throws Exception {
        assertTrue(Files.exists(ConfigReference.FILE), ConfigReference.FILE + " is missing; generate it with: " + ConfigReference.REGENERATE);
        String onDisk = Files.readString(ConfigReference.FILE, StandardCharsets.UTF_8);
        String expected = ConfigReference.markdown();
        if (!onDisk.equals(expected)) {
            throw new AssertionError(ConfigReference.FILE + " and config/ConfigKeys.java disagree (first difference at line "
                    + firstDifferentLine(onDisk, expected) + "). Regenerate the file with:\n    " + ConfigReference.REGENERATE);
        }
    }

    @Test
    void everyKeyIsInTheReferenceWithItsVariableAndDefault() {
        String reference = ConfigReference.markdown();
        for (ConfigKey key : ConfigKeys.all()) {
            String row = "| `" + key.property() + "` | `" + key.env() + "` | ";
            assertTrue(reference.contains(row), "no row for " + key.property());
            if (key.defaultValue() != null && !key.defaultValue().isEmpty()) {
                assertTrue(reference.contains(row + "`" + key.defaultValue().replace("|", "\\|") + "`"), "default of " + key.property());
            }
        }
    }

    private static int firstDifferentLine(String a, String b) {
        String[] left = a.split("\n", -1);
        String[] right = b.split("\n", -1);
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            if (!left[i].equals(right[i])) {
                return i + 1;
            }
        }
        return Math.min(left.length, right.length) + 1;
    }
}
