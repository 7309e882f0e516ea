package com.alignersync.source.cdc;

import com.alignersync.config.CdcConfig;
import com.alignersync.state.JsonOffsetStore;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;

/** The engine's configuration, derived from {@link CdcConfig}; {@code debezium.source.*} pass-through wins. */
public final class DebeziumProperties {

    /** Bytes of change records the engine may hold ahead of the sink. */
    static final long MAX_QUEUE_BYTES = 16L * 1024 * 1024;

    public static final String ENGINE_NAME = "aligner-sync-cdc";
    public static final String TOPIC_PREFIX = "aligner_sync";
    public static final String HEARTBEAT_TABLE = "public.aligner_sync_heartbeat";
    static final String TABLES = "public.aligner_notes,public.aligner_batches";

    /** Keys a pass-through must not change: they carry the daemon's guarantees. */
    static final Set<String> PROTECTED = Set.of("offset.storage", "offset.storage.file.filename", "connector.class", "name");

    private DebeziumProperties() {
    }

    public static Properties of(CdcConfig config, Path offsetsFile) {
        Properties p = new Properties();
        p.setProperty("name", ENGINE_NAME);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", JsonOffsetStore.class.getName());
        p.setProperty(JsonOffsetStore.FILE_PROPERTY, offsetsFile.toAbsolutePath().toString());
        // Every finished batch is flushed at once: flushing is what confirms the LSN to the slot.
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("offset.flush.timeout.ms", "10000");
        // A clean stop waits for the batch in the sink to commit rather than cutting it off.
        p.setProperty("record.processing.shutdown.timeout.ms", "30000");
        p.setProperty("topic.prefix", TOPIC_PREFIX);
        p.setProperty("database.hostname", config.db().host());
        p.setProperty("database.port", Integer.toString(config.db().port()));
        p.setProperty("database.user", config.db().user());
        p.setProperty("database.password", config.db().password());
        p.setProperty("database.dbname", config.db().database());
        if (config.db().sslMode() != null) {
            p.setProperty("database.sslmode", config.db().sslMode());
        }
        if (config.db().sslRootCert() != null) {
            p.setProperty("database.sslrootcert", config.db().sslRootCert());
        }
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", config.slotName());
        p.setProperty("publication.name", config.publicationName());
        // filtered: the publication holds just the included tables; all_tables would need superuser.
        p.setProperty("publication.autocreate.mode", "filtered");
        boolean heartbeatTable = !config.heartbeatActionQuery().isBlank();
        p.setProperty("table.include.list", heartbeatTable ? TABLES + "," + HEARTBEAT_TABLE : TABLES);
        p.setProperty("snapshot.mode", config.snapshotMode());
        p.setProperty("poll.interval.ms", Long.toString(config.pollInterval().toMillis()));
        // The engine's queue is bounded by count (8192) and, here, by bytes: a catch-up of long notes
        // (tens of KiB each) must not fill the heap before the sink drains it.
        p.setProperty("max.queue.size.in.bytes", Long.toString(MAX_QUEUE_BYTES));
        p.setProperty("heartbeat.interval.ms", Long.toString(config.heartbeatInterval().toMillis()));
        if (heartbeatTable) {
            p.setProperty("heartbeat.action.query", config.heartbeatActionQuery());
        }
        // A failure stops the engine; the daemon's supervisor restarts it with its own backoff,
        // so the outage is visible in status instead of hidden in the connector's retries.
        p.setProperty("errors.max.retries", "0");
        p.setProperty("slot.retry.delay.ms", "2000");
        config.passThrough().forEach((key, value) -> {
            if (!PROTECTED.contains(key)) {
                p.setProperty(key, value);
            }
        });
        return p;
    }
}
