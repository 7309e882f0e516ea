package com.alignersync.source.poll.support;

import com.alignersync.config.PollConfig;
import com.alignersync.config.PollConfig.NotesCursor;
import com.alignersync.config.SinkConfig;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.sink.support.ClinicTarget;
import com.alignersync.portal.PostgrestClient;
import com.alignersync.source.poll.Poller;
import com.alignersync.state.PollStateStore;
import com.alignersync.state.StateFileException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** Builds a poller the way the daemon does, over a fake PostgREST and a clinic target, with a fixed clock. */
public final class PollFixture {

    public static final String KEY = "sb_secret_test_key_0123456789";
    /** The tests' "now"; rows are placed relative to it. */
    public static final Instant NOW = Instant.parse("2026-11-25T09:00:00.123456Z");
    public static final SinkConfig FAST_RETRIES = new SinkConfig(SinkConfig.DeleteMode.DELETE, 2, Duration.ofMillis(1), Duration.ofMillis(5));

    private PollFixture() {
    }

    public static PollConfig config(URI restUrl, int pageSize, Duration timeout, NotesCursor notesCursor) {
        return new PollConfig(true, restUrl, KEY, Duration.ofMinutes(60), pageSize, Duration.ofMinutes(10), Duration.ofHours(24),
                timeout, notesCursor);
    }

    public static PollConfig config(URI restUrl) {
        return config(restUrl, 1000, Duration.ofSeconds(10), NotesCursor.AUTO);
    }

    public static Poller poller(PollConfig config, ClinicTarget target, Path dataDir) throws StateFileException {
        return poller(config, config.apiKey(), target, dataDir);
    }

    public static Poller poller(PollConfig config, String key, ClinicTarget target, Path dataDir) throws StateFileException {
        ObjectMapper mapper = new ObjectMapper();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        DeadLetterLog deadLetters = new DeadLetterLog(dataDir, mapper, clock);
        SqlServerSink sink = new SqlServerSink(target.dataSource(), target.dialect(), FAST_RETRIES, ZoneOffset.UTC, deadLetters,
                new SinkMetrics(new SimpleMeterRegistry()), clock);
        PostgrestClient client = new PostgrestClient(config.restUrl(), key, config.requestTimeout(), mapper);
        return Poller.open(config, client, sink, deadLetters, new PollStateStore(dataDir, mapper), clock);
    }

    /** Batches 1..count in the clinic with 14 days, as the forward sync would have created them. */
    public static void clinicBatches(ClinicTarget target, int from, int to) throws SQLException {
        try (Connection c = target.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO dbo.tblAlignerBatches (AlignerBatchID, AlignerSetID, BatchSequence, Days)"
                    + " SELECT X, 1, 1, 14 FROM SYSTEM_RANGE(" + from + ", " + to + ")");
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    public static String pg(Instant instant) {
        return "'" + instant + "'::timestamptz";
    }
}
