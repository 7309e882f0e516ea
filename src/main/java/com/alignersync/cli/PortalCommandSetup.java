package com.alignersync.cli;

import com.alignersync.config.ConfigKeys;
import com.alignersync.config.ConfigReader;
import com.alignersync.config.PollConfig;
import com.alignersync.config.ReconcileConfig;
import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import java.nio.file.Path;

/**
 * The configuration {@code reconcile} and {@code verify} need, read and checked at once: SQL
 * Server and the sink, the portal's REST API (even with {@code poll.enabled=false}), the data directory.
 */
record PortalCommandSetup(SqlServerConfig sqlServer, SinkConfig sink, PollConfig rest, ReconcileConfig reconcile, Path dataDir) {

    /** @throws com.alignersync.config.ConfigException listing every problem */
    static PortalCommandSetup read(ConfigReader reader) {
        Path dataDir = Path.of(reader.string(ConfigKeys.DATA_DIR));
        SqlServerConfig sqlServer = SqlServerConfig.from(reader);
        SinkConfig sink = SinkConfig.from(reader);
        PollConfig rest = PollConfig.from(reader);
        if (rest.restUrl() == null) {
            reader.requiredString(ConfigKeys.SUPABASE_URL);
        }
        if (rest.apiKey() == null || rest.apiKey().isBlank()) {
            reader.requiredString(ConfigKeys.SUPABASE_SERVICE_ROLE_KEY);
        }
        ReconcileConfig reconcile = ReconcileConfig.from(reader);
        reader.throwIfProblems();
        return new PortalCommandSetup(sqlServer, sink, rest, reconcile, dataDir);
    }
}
