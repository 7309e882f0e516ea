package com.alignersync.ops;

import com.alignersync.config.CdcConfig;
import com.alignersync.config.ConfigKeys;
import com.alignersync.config.DataConfig;
import com.alignersync.config.HttpServerConfig;
import com.alignersync.config.Settings;
import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code status} command's view: the offline facts of {@code data/} first, then the live
 * parts where configured. A section whose configuration is invalid is skipped with the
 * reason; the problems are returned apart so the command can exit with the config code.
 */
public final class OperatorStatus {

    /**
     * @param report         stable keys: dataDir, daemon, cdc, slot, poll, deadLetters, verify, sink
     * @param configProblems every configuration problem of the sections status reads
     * @param corruptFiles   state files that could not be read, each message naming the file and the fix
     * @param cdcEnabled     whether the configuration turns the CDC input on (its slot is not asked otherwise)
     */
    public record Result(Map<String, Object> report, List<String> configProblems, List<String> corruptFiles, boolean cdcEnabled) {
    }

    private final Settings settings;
    private final ObjectMapper mapper;
    private final Clock clock;

    public OperatorStatus(Settings settings, ObjectMapper mapper, Clock clock) {
        this.settings = settings;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** The secret the daemon's operator routes take: its own, else the webhook's (as the daemon falls back). */
    private String operatorSecret() {
        String own = settings.raw(ConfigKeys.HTTP_OPERATOR_SECRET);
        return own != null && !own.isBlank() ? own : settings.raw(ConfigKeys.WEBHOOK_SECRET);
    }

    /** When even data.dir is invalid the report is empty: there is nothing to read. */
    public Result collect() {
        ConfigSection<DataConfig> data = ConfigSection.parse(settings, DataConfig::from);
        if (!data.valid()) {
            // An empty report: nothing is shown of it, CDC included.
            return new Result(Map.of(), data.problems(), List.of(), false);
        }
        ConfigSection<CdcConfig> cdc = ConfigSection.parse(settings, CdcConfig::from);
        ConfigSection<HttpServerConfig> http = ConfigSection.parse(settings, HttpServerConfig::from);
        ConfigSection<SqlServerConfig> sqlServer = ConfigSection.parse(settings, SqlServerConfig::from);
        ConfigSection<SinkConfig> sinkConfig = ConfigSection.parse(settings, SinkConfig::from);
        List<String> problems = new ArrayList<>();
        List.of(cdc, http, sqlServer, sinkConfig).forEach(section -> problems.addAll(section.problems()));

        OfflineStatus offline = new OfflineStatus(data.value().dataDir(), mapper, clock);
        LiveStatus live = new LiveStatus(mapper, clock);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("dataDir", offline.dataDir());
        Map<String, Object> daemon = offline.lock();
        if (offline.locked()) {
            daemon.put("live", http.valid() ? live.daemon(http.value().ops(), operatorSecret()) : LiveStatus.skipped("http configuration is invalid"));
        }
        report.put("daemon", daemon);
        report.put("cdc", offline.cdc());
        if (!cdc.value().enabled()) {
            report.put("slot", LiveStatus.skipped("CDC input disabled (cdc.enabled=false)"));
        } else {
            report.put("slot", cdc.valid() ? live.slot(cdc.value(), offline.storedLsn()) : LiveStatus.skipped("CDC configuration is invalid"));
        }
        report.put("poll", offline.poll());
        report.put("deadLetters", offline.deadLetters());
        report.put("verify", offline.verify());
        report.put("sink", sqlServer.valid() && sinkConfig.valid()
                ? live.sink(sqlServer.value(), sinkConfig.value(), data.value().dataDir())
                : LiveStatus.skipped("SQL Server configuration is invalid"));
        return new Result(report, problems, offline.corruptFiles(), cdc.value().enabled());
    }
}
