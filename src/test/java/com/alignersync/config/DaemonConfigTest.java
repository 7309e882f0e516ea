package com.alignersync.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cross-section checks of the whole configuration. */
class DaemonConfigTest {

    private static Map<String, String> valid() {
        Map<String, String> values = new HashMap<>();
        values.put("sqlserver.jdbc-url", "jdbc:h2:mem:x;MODE=MSSQLServer");
        values.put("webhook.secret", "a-webhook-secret-of-enough-length");
        values.put("supabase.db-url", "postgresql://postgres:secret@db.abcd.supabase.co:5432/postgres");
        values.put("supabase.url", "https://abcd.supabase.co");
        values.put("supabase.service-role-key", "sb_secret_0123456789");
        return values;
    }

    @Test
    void cdcWithTheLegacyNotesCursorIsRefusedNamingTheSetupScript() {
        Map<String, String> values = valid();
        values.put("poll.notes.cursor", "created-edited");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.from(new ConfigReader(Settings.of(values))));
        assertTrue(e.getMessage().contains("poll.notes.cursor") && e.getMessage().contains("supabase-setup.sql"), e.getMessage());

        values.put("cdc.enabled", "false");
        assertEquals(PollConfig.NotesCursor.CREATED_EDITED, DaemonConfig.from(new ConfigReader(Settings.of(values))).poll().notesCursor(),
                "the poller alone may still read a legacy portal");
    }

    @Test
    void thePingPongBreakerDefaultsToSixWritesInTwoMinutesAndZeroTurnsItOff() {
        Map<String, String> values = valid();
        assertEquals(6, DaemonConfig.from(new ConfigReader(Settings.of(values))).sink().pingPongMaxWrites());
        assertEquals(java.time.Duration.ofSeconds(120), DaemonConfig.from(new ConfigReader(Settings.of(values))).sink().pingPongWindow());
        values.put("sink.pingpong.max-writes", "0");
        assertEquals(0, DaemonConfig.from(new ConfigReader(Settings.of(values))).sink().pingPongMaxWrites());
        values.put("sink.pingpong.max-writes", "-1");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.from(new ConfigReader(Settings.of(values))));
        assertTrue(e.getMessage().contains("sink.pingpong.max-writes"), e.getMessage());
    }

    @Test
    void deadLettersAreKeptUntilPurgedUnlessARetentionInDaysIsSet() {
        Map<String, String> values = valid();
        assertEquals(java.util.Optional.empty(), DaemonConfig.from(new ConfigReader(Settings.of(values))).data().deadLetterRetention());
        values.put("data.dead-letter-retention-days", "30");
        assertEquals(java.util.Optional.of(java.time.Duration.ofDays(30)),
                DaemonConfig.from(new ConfigReader(Settings.of(values))).data().deadLetterRetention());
        values.put("data.dead-letter-retention-days", "-1");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.from(new ConfigReader(Settings.of(values))));
        assertTrue(e.getMessage().contains("data.dead-letter-retention-days"), e.getMessage());
    }
}
