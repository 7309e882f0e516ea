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
        values.put("http.bind-address", "127.0.0.1");
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

    @Test
    void aPublicWebhookListenerInClearTextRefusesToStartUnlessTlsOrAProxyIsNamed() throws Exception {
        Map<String, String> values = valid();
        values.put("http.bind-address", "0.0.0.0");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.from(new ConfigReader(Settings.of(values))));
        assertTrue(e.getMessage().contains("clear text") && e.getMessage().contains("http.tls.certificate")
                && e.getMessage().contains("http.behind-proxy"), e.getMessage());

        values.put("http.behind-proxy", "true");
        assertTrue(DaemonConfig.from(new ConfigReader(Settings.of(values))).http().behindProxy(), "a TLS proxy in front is the operator's word");
        values.remove("http.behind-proxy");
        values.put("webhook.enabled", "false");
        DaemonConfig noWebhook = DaemonConfig.from(new ConfigReader(Settings.of(values)));
        assertEquals("127.0.0.1", noWebhook.http().ops().bindAddress(), "without the webhook nothing is public; ops stays local by default");
    }

    @Test
    void aCertificateIsNamedWithItsKeyAndTheOpsListenerNeedsAPortOfItsOwn() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tls-config");
        java.nio.file.Path pem = java.nio.file.Files.writeString(dir.resolve("fullchain.pem"), "not read at parse time");
        Map<String, String> values = valid();
        values.put("http.bind-address", "0.0.0.0");
        values.put("http.tls.certificate", pem.toString());
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.from(new ConfigReader(Settings.of(values))));
        assertTrue(e.getMessage().contains("http.tls.private-key"), e.getMessage());

        values.put("http.tls.private-key", dir.resolve("missing-key.pem").toString());
        e = assertThrows(ConfigException.class, () -> DaemonConfig.from(new ConfigReader(Settings.of(values))));
        assertTrue(e.getMessage().contains("missing-key.pem") && e.getMessage().contains("no readable file"), e.getMessage());

        values.put("http.tls.private-key", java.nio.file.Files.writeString(dir.resolve("privkey.pem"), "x").toString());
        DaemonConfig config = DaemonConfig.from(new ConfigReader(Settings.of(values)));
        assertEquals(pem, config.http().webhook().tls().orElseThrow().certificate());
        assertTrue(config.http().plainTextExposure().isEmpty());

        values.put("http.port", "3001");
        e = assertThrows(ConfigException.class, () -> DaemonConfig.from(new ConfigReader(Settings.of(values))));
        assertTrue(e.getMessage().contains("ops.port") && e.getMessage().contains("port of its own"), e.getMessage());
        values.put("webhook.enabled", "false");
        assertEquals(3001, DaemonConfig.from(new ConfigReader(Settings.of(values))).http().ops().port(),
                "without the webhook there is no public listener to clash with");
    }
}
