package com.alignersync.cli;

import com.alignersync.config.ConfigException;
import com.alignersync.config.ConfigKeys;
import com.alignersync.config.ConfigReader;
import com.alignersync.config.PollConfig;
import com.alignersync.config.ReconcileConfig;
import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import com.alignersync.app.Daemon;
import com.alignersync.app.ExitCodes;
import com.alignersync.app.StartupException;
import com.alignersync.portal.PortalReader;
import com.alignersync.portal.PostgrestClient;
import com.alignersync.state.DataDirectory;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** The configuration, and the data directory's lock when the run writes (else null). */
    record Opened(PortalCommandSetup setup, DataDirectory lock) {
    }

    /**
     * What {@code reconcile} and {@code verify} do first: read the configuration, then take the
     * lock if this run writes ({@link #lockIfWriting}).
     *
     * @throws StartupException with {@link ExitCodes#CONFIG} listing every configuration problem,
     *                          or the lock's own exit code when the directory is held
     */
    static Opened open(ConfigReader reader, boolean writes, String whileItRuns) throws StartupException {
        PortalCommandSetup setup;
        try {
            setup = read(reader);
        } catch (ConfigException e) {
            throw new StartupException(ExitCodes.CONFIG, e.getMessage(), e);
        }
        return new Opened(setup, setup.lockIfWriting(writes, whileItRuns));
    }

    /**
     * The data directory's lock, for a run that writes (its refused changes become dead letters
     * in data/): only the holder may, and a running daemon is asked instead ({@code whileItRuns}).
     *
     * @return null when {@code writes} is false (nothing to hold)
     */
    DataDirectory lockIfWriting(boolean writes, String whileItRuns) throws StartupException {
        if (!writes) {
            return null;
        }
        try {
            return Daemon.lock(dataDir);
        } catch (StartupException e) {
            throw new StartupException(e.exitCode(), e.getMessage() + "; " + whileItRuns, e);
        }
    }

    /** The portal's rows through PostgREST, with the poller's client and key. */
    PortalReader portalReader(ObjectMapper mapper) {
        return new PortalReader(new PostgrestClient(rest.restUrl(), rest.apiKey(), rest.requestTimeout(), mapper), rest.pageSize());
    }
}
