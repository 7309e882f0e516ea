package com.alignersync.ops;

import com.alignersync.config.CdcConfig;
import com.alignersync.config.DataConfig;
import com.alignersync.config.HttpServerConfig;
import com.alignersync.config.PollConfig;
import com.alignersync.config.Settings;
import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import com.alignersync.config.WebhookConfig;
import com.alignersync.portal.PostgrestClient;
import com.alignersync.portal.PostgrestException;
import com.alignersync.state.CorruptStateFileException;
import com.alignersync.state.OffsetFile;
import com.alignersync.state.PollStateStore;
import com.alignersync.state.StateFileException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code check} command's logic: everything the daemon needs from its configuration, the
 * portal's Postgres, SQL Server, the REST API and its own state files, one {@link CheckResult}
 * per check, in that order. A check that cannot run (input disabled, its configuration
 * invalid, its database unreachable) is a SKIP line rather than missing.
 */
public final class Preflight {

    public static final String CONFIGURATION = "configuration";
    static final String STATE_FILES = "state files";
    static final String REST = "rest api key";

    private final Settings settings;
    private final Clock clock;
    private final ObjectMapper mapper;

    public Preflight(Settings settings, Clock clock, ObjectMapper mapper) {
        this.settings = settings;
        this.clock = clock;
        this.mapper = mapper;
    }

    public List<CheckResult> run() {
        ConfigSection<SqlServerConfig> sqlServer = ConfigSection.parse(settings, SqlServerConfig::from);
        ConfigSection<DataConfig> data = ConfigSection.parse(settings, DataConfig::from);
        ConfigSection<CdcConfig> cdc = ConfigSection.parse(settings, CdcConfig::from);
        ConfigSection<PollConfig> poll = ConfigSection.parse(settings, PollConfig::from);
        ConfigSection<WebhookConfig> webhook = ConfigSection.parse(settings, WebhookConfig::from);
        // The same sections DaemonConfig.from reads, each on its own reader so the checks of a valid one still run.
        ConfigSection<HttpServerConfig> http = ConfigSection.parse(settings, HttpServerConfig::from);
        List<String> problems = Stream.of(sqlServer, data, cdc, poll, webhook,
                        ConfigSection.parse(settings, SinkConfig::from), http)
                .flatMap(section -> section.problems().stream()).toList();

        List<CheckResult> results = new ArrayList<>();
        if (problems.isEmpty()) {
            results.add(CheckResult.ok(CONFIGURATION, "valid (cdc " + onOff(cdc.value().enabled()) + ", poll " + onOff(poll.value().enabled())
                    + ", webhook " + onOff(webhook.value().enabled()) + ")"));
        } else {
            problems.forEach(problem -> results.add(CheckResult.fail(CONFIGURATION, problem)));
        }
        results.add(data.valid() ? stateFiles(data.value()) : CheckResult.skip(STATE_FILES, "data.dir is invalid"));
        results.addAll(portal(cdc));
        results.addAll(sqlServer.valid() ? new ClinicChecks(sqlServer.value()).run()
                : ClinicChecks.NAMES.stream().map(name -> CheckResult.skip(name, "SQL Server configuration is invalid (see above)")).toList());
        results.add(rest(poll));
        results.add(webhook.valid() && http.valid() ? PublicListenerCheck.of(webhook.value(), http.value(), clock)
                : CheckResult.skip(PublicListenerCheck.NAME, "webhook or HTTP configuration is invalid (see above)"));
        return results;
    }

    private List<CheckResult> portal(ConfigSection<CdcConfig> cdc) {
        if (cdc.value().enabled() && cdc.valid()) {
            return new PortalChecks(cdc.value(), clock).run();
        }
        String why = cdc.value().enabled() ? "CDC configuration is invalid (see above)" : "CDC input disabled (cdc.enabled=false)";
        return PortalChecks.NAMES.stream().map(name -> CheckResult.skip(name, why)).toList();
    }

    private CheckResult rest(ConfigSection<PollConfig> poll) {
        if (!poll.value().enabled()) {
            return CheckResult.warn(REST, "not checked: the poll input is disabled (poll.enabled=false), so nothing catches up"
                    + " after downtime or a lost slot");
        }
        if (!poll.valid()) {
            return CheckResult.skip(REST, "poll configuration is invalid (see above)");
        }
        PostgrestClient client = new PostgrestClient(poll.value().restUrl(), poll.value().apiKey(), poll.value().requestTimeout(), mapper);
        try {
            client.get("aligner_batches", "select=aligner_batch_id&limit=1");
            return CheckResult.ok(REST, "accepted by " + poll.value().restUrl());
        } catch (PostgrestException e) {
            if (e.status() == 401 || e.status() == 403) {
                return CheckResult.fail(REST, "refused by " + poll.value().restUrl() + " (" + e.describe() + "): set supabase.service-role-key"
                        + " (env SUPABASE_SERVICE_ROLE_KEY) to the project's service_role or sb_secret_ key");
            }
            return CheckResult.fail(REST, "GET aligner_batches failed at " + poll.value().restUrl() + " (" + e.describe()
                    + "): check supabase.url (env SUPABASE_URL)");
        }
    }

    private CheckResult stateFiles(DataConfig data) {
        OffsetFile offsets = OffsetFile.inDataDir(data.dataDir(), mapper);
        PollStateStore pollState = new PollStateStore(data.dataDir(), mapper);
        try {
            offsets.read();
            pollState.load();
            return CheckResult.ok(STATE_FILES, offsets.path() + " and " + pollState.file() + " readable (or not written yet)");
        } catch (CorruptStateFileException | StateFileException e) {
            return CheckResult.fail(STATE_FILES, e.getMessage());
        }
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }
}
