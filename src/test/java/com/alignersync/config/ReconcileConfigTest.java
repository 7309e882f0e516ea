package com.alignersync.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** reconcile.* keys: daily by default, 0 turns the schedule off, a bad value names the key. */
class ReconcileConfigTest {

    private static ReconcileConfig parse(Map<String, String> values) {
        ConfigReader reader = new ConfigReader(Settings.of(values));
        ReconcileConfig config = ReconcileConfig.from(reader);
        reader.throwIfProblems();
        return config;
    }

    @Test
    void theScheduleIsDailyByDefaultAndZeroTurnsItOff() {
        assertEquals(ReconcileConfig.defaults(), parse(Map.of()));
        assertEquals(Duration.ofHours(24), parse(Map.of()).interval());
        assertFalse(parse(Map.of("reconcile.interval-hours", "0")).scheduled());
        assertEquals(100, parse(Map.of("reconcile.max-delete-percent", "100")).maxDeletePercent());
    }

    @Test
    void aBadValueNamesTheKeyAndItsEnvironmentVariable() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of("reconcile.interval-hours", "daily",
                "reconcile.max-delete-percent", "150")));
        assertTrue(e.getMessage().contains("reconcile.interval-hours (env RECONCILE_INTERVAL_HOURS) is 'daily'"), e.getMessage());
        assertTrue(e.getMessage().contains("reconcile.max-delete-percent (env RECONCILE_MAX_DELETE_PERCENT) is '150'"), e.getMessage());
    }
}
