package com.alignersync.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SUPABASE_DB_URL is parsed once; the pooler and bad values are refused with messages naming key and fix. */
class CdcConfigTest {

    private static CdcConfig read(Map<String, String> values) {
        ConfigReader reader = new ConfigReader(Settings.of(values));
        CdcConfig config = CdcConfig.from(reader);
        reader.throwIfProblems();
        return config;
    }

    private static ConfigException problems(Map<String, String> values) {
        return assertThrows(ConfigException.class, () -> read(values));
    }

    @Test
    void defaultsMatchTheDocumentedOnes() {
        CdcConfig config = read(Map.of("supabase.db-url", "postgresql://postgres:secret@db.abcd.supabase.co:5432/postgres"));
        assertTrue(config.enabled());
        assertEquals("aligner_sync", config.slotName());
        assertEquals("aligner_sync_pub", config.publicationName());
        assertEquals("no_data", config.snapshotMode());
        assertEquals(Duration.ofMillis(10), config.pollInterval());
        assertEquals("db.abcd.supabase.co", config.db().host());
        assertEquals(5432, config.db().port());
        assertEquals("secret", config.db().password());
        assertFalse(config.toString().contains("secret"), "the password never appears in the printed config");
    }

    @Test
    void aPercentEncodedPasswordIsDecodedAndAPlusStaysAPlus() {
        PostgresUrl url = PostgresUrl.parse("postgresql://postgres.ref:p%40ss%3Aw%2Frd%25+1@db.x.supabase.co/mydb?sslmode=require");
        assertEquals("postgres.ref", url.user());
        assertEquals("p@ss:w/rd%+1", url.password());
        assertEquals(5432, url.port());
        assertEquals("mydb", url.database());
        assertEquals("require", url.sslMode());
        assertEquals("jdbc:postgresql://db.x.supabase.co:5432/mydb?sslmode=require", url.jdbcUrl());
    }

    @Test
    void verifyFullWithSupabasesRootCertificateReachesTheDriver() {
        PostgresUrl url = PostgresUrl.parse("postgresql://postgres:pw@db.x.supabase.co:5432/postgres"
                + "?sslmode=verify-full&sslrootcert=%2Fetc%2Faligner-sync%2Fprod-ca-2021.crt");
        assertEquals("verify-full", url.sslMode());
        assertEquals("/etc/aligner-sync/prod-ca-2021.crt", url.sslRootCert());
        assertEquals("jdbc:postgresql://db.x.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=%2Fetc%2Faligner-sync%2Fprod-ca-2021.crt",
                url.jdbcUrl());
    }

    @Test
    void anUnencodedAtInThePasswordStillParsesAndIpv6HostsWork() {
        PostgresUrl url = PostgresUrl.parse("postgres://u:a@b@[2001:db8::1]:6000/postgres");
        assertEquals("a@b", url.password());
        assertEquals("2001:db8::1", url.host());
        assertEquals(6000, url.port());
        assertEquals("jdbc:postgresql://[2001:db8::1]:6000/postgres", url.jdbcUrl());
    }

    @Test
    void theSupavisorPoolerIsRefusedWithTheDirectHostAsTheFix() {
        for (String url : new String[] {
                "postgresql://postgres.ref:pw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres",
                "postgresql://postgres:pw@db.ref.supabase.co:6543/postgres"}) {
            ConfigException e = problems(Map.of("supabase.db-url", url));
            String message = e.getMessage();
            assertTrue(message.contains("supabase.db-url (env SUPABASE_DB_URL)"), message);
            assertTrue(message.contains("pooler") && message.contains("db.<project-ref>.supabase.co:5432"), message);
            assertFalse(message.contains(":pw@"), "the password is never quoted");
        }
    }

    @Test
    void aMissingUrlIsAProblemOnlyWhenCdcIsEnabled() {
        ConfigException e = problems(Map.of());
        assertTrue(e.getMessage().contains("supabase.db-url (env SUPABASE_DB_URL) is not set"), e.getMessage());
        CdcConfig disabled = read(Map.of("cdc.enabled", "false"));
        assertFalse(disabled.enabled());
        assertNull(disabled.db());
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        Map<String, String> values = new HashMap<>();
        values.put("supabase.db-url", "mysql://x");
        values.put("cdc.enabled", "yes");
        values.put("cdc.slot-name", "Bad-Slot");
        values.put("cdc.snapshot-mode", "never");
        values.put("cdc.poll-interval-ms", "0");
        values.put("cdc.restart-backoff-initial-ms", "5000");
        values.put("cdc.restart-backoff-max-ms", "1000");
        ConfigException e = problems(values);
        // An invalid cdc.enabled reads as its default (true) since 0c653b5, so the bad URL is reported too.
        assertEquals(6, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("cdc.enabled"));
        assertTrue(e.getMessage().contains("supabase.db-url (env SUPABASE_DB_URL) must start with postgresql://"));
        assertTrue(e.getMessage().contains("cdc.slot-name"));
        assertTrue(e.getMessage().contains("cdc.snapshot-mode"));
        assertTrue(e.getMessage().contains("cdc.poll-interval-ms"));
        assertTrue(e.getMessage().contains("cdc.restart-backoff-max-ms"));
    }

    @Test
    void debeziumSourcePropertiesPassThroughWithoutThePrefix() {
        CdcConfig config = read(Map.of("supabase.db-url", "postgresql://u:p@h/db",
                "debezium.source.max.batch.size", "512", "debezium.source.slot.max.retries", "3"));
        assertEquals(Map.of("max.batch.size", "512", "slot.max.retries", "3"), config.passThrough());
    }
}
