package com.alignersync.source.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.alignersync.config.CdcConfig;
import com.alignersync.config.PostgresUrl;
import com.alignersync.state.JsonOffsetStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The engine configuration: our offset store flushed on every batch, pgoutput, and pass-through that cannot break guarantees. */
class DebeziumPropertiesTest {

    private static CdcConfig config(String heartbeatQuery, Map<String, String> passThrough) {
        return new CdcConfig(true, PostgresUrl.parse("postgresql://postgres:pw@db.ref.supabase.co:5432/postgres?sslmode=require"),
                "aligner_sync", "aligner_sync_pub", "no_data", Duration.ofMillis(10), Duration.ofSeconds(10), heartbeatQuery,
                Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(1), passThrough);
    }

    @Test
    void offsetsGoToOurJsonStoreAndAreFlushedAfterEveryBatch() {
        Properties p = DebeziumProperties.of(config("", Map.of()), Path.of("/var/lib/aligner-sync/offsets.json"));
        assertEquals(JsonOffsetStore.class.getName(), p.getProperty("offset.storage"));
        assertEquals("/var/lib/aligner-sync/offsets.json", p.getProperty("offset.storage.file.filename"));
        assertEquals("0", p.getProperty("offset.flush.interval.ms"));
        assertEquals("pgoutput", p.getProperty("plugin.name"));
        assertEquals("public.aligner_notes,public.aligner_batches", p.getProperty("table.include.list"));
        assertEquals("no_data", p.getProperty("snapshot.mode"));
        assertEquals("require", p.getProperty("database.sslmode"));
        assertEquals("db.ref.supabase.co", p.getProperty("database.hostname"));
        assertFalse(p.containsKey("heartbeat.action.query"));
    }

    @Test
    void theEngineVerifiesThePortalsCertificateAgainstTheRootCertificateTheUrlNames() {
        CdcConfig verified = new CdcConfig(true, PostgresUrl.parse("postgresql://postgres:pw@db.ref.supabase.co:5432/postgres"
                + "?sslmode=verify-full&sslrootcert=%2Fetc%2Faligner-sync%2Fprod-ca-2021.crt"),
                "aligner_sync", "aligner_sync_pub", "no_data", Duration.ofMillis(10), Duration.ofSeconds(10), "",
                Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(1), Map.of());
        Properties p = DebeziumProperties.of(verified, Path.of("offsets.json"));
        assertEquals("verify-full", p.getProperty("database.sslmode"));
        assertEquals("/etc/aligner-sync/prod-ca-2021.crt", p.getProperty("database.sslrootcert"));
    }

    @Test
    void theEnginesQueueIsBoundedByBytesSoLongNotesCannotFillTheHeap() {
        // With -Xmx128m and no byte bound, a catch-up of 20,000 notes of 22 KiB ended in OutOfMemoryError.
        Properties p = DebeziumProperties.of(config("", Map.of()), Path.of("o.json"));
        assertEquals(Long.toString(16L * 1024 * 1024), p.getProperty("max.queue.size.in.bytes"));
    }

    @Test
    void aHeartbeatQueryAddsTheHeartbeatTableToTheCapturedTables() {
        Properties p = DebeziumProperties.of(config("INSERT INTO public.aligner_sync_heartbeat (id) VALUES (1)", Map.of()), Path.of("o.json"));
        assertEquals("INSERT INTO public.aligner_sync_heartbeat (id) VALUES (1)", p.getProperty("heartbeat.action.query"));
        assertEquals("public.aligner_notes,public.aligner_batches,public.aligner_sync_heartbeat", p.getProperty("table.include.list"));
    }

    @Test
    void passThroughWinsExceptForTheOffsetStoreAndConnector() {
        Properties p = DebeziumProperties.of(config("", Map.of("max.batch.size", "512", "slot.retry.delay.ms", "100",
                "offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore", "connector.class", "x")), Path.of("o.json"));
        assertEquals("512", p.getProperty("max.batch.size"));
        assertEquals("100", p.getProperty("slot.retry.delay.ms"));
        assertEquals(JsonOffsetStore.class.getName(), p.getProperty("offset.storage"));
        assertEquals("io.debezium.connector.postgresql.PostgresConnector", p.getProperty("connector.class"));
    }
}
