package com.alignersync.sink;

import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;

/** The sink with everything it owns (pool, dead letters, metrics), opened from configuration in one place. */
public record SinkRuntime(ClinicDatabase database, SqlServerSink sink, DeadLetterLog deadLetters, SinkMetrics metrics)
        implements AutoCloseable {

    public static SinkRuntime open(SqlServerConfig sqlServer, SinkConfig sinkConfig, Path dataDir, MeterRegistry registry,
                                   ObjectMapper mapper, Clock clock) {
        return open(sqlServer, sinkConfig, dataDir, registry, mapper, clock, DecisionListener.NONE);
    }

    /** @param decisions told of every decision (the daemon's decision journal, for trace) */
    public static SinkRuntime open(SqlServerConfig sqlServer, SinkConfig sinkConfig, Path dataDir, MeterRegistry registry,
                                   ObjectMapper mapper, Clock clock, DecisionListener decisions) {
        ClinicDatabase database = ClinicDatabase.open(sqlServer);
        DeadLetterLog deadLetters = new DeadLetterLog(dataDir, mapper, clock);
        SinkMetrics metrics = new SinkMetrics(registry);
        SqlServerSink sink = new SqlServerSink(database.dataSource(), database.dialect(), sinkConfig, sqlServer.timeZone(),
                deadLetters, metrics, clock, decisions);
        deadLetters.registerMetrics(registry);
        metrics.watchAvailability(() -> {
            try {
                sink.checkReady();
                return true;
            } catch (SinkUnavailableException e) {
                return false;
            }
        });
        return new SinkRuntime(database, sink, deadLetters, metrics);
    }

    @Override
    public void close() {
        database.close();
    }
}
