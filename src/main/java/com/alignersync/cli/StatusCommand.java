package com.alignersync.cli;

import com.alignersync.app.ExitCodes;
import com.alignersync.config.ConfigException;
import com.alignersync.config.ConfigReader;
import com.alignersync.config.DataConfig;
import com.alignersync.config.Settings;
import com.alignersync.embedded.EmbeddedDefault;
import com.alignersync.ops.OperatorStatus;
import com.alignersync.ops.StatusTable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code status}: what data/ says offline, plus what the daemon, the slot and SQL Server say
 * when they answer; a table for people by default, {@code --json} for scripts, {@code --flat}
 * for the earlier one-fact-per-line output. In the data directory of a {@code run --embedded}
 * it reads that run's configuration, as the run itself does.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the sync state: from DATA_DIR alone (stored CDC LSN, poll cursors, dead letters, whether a daemon holds it),",
                "and live where reachable (the daemon's /api/sync/status, the replication slot and its lag, SQL Server and the ledger).",
                "By default a table (input, state, last event, lag, counts) and the warnings, each saying what to do.",
                "A part that does not answer shows as unreachable with the reason.",
                "Where DATA_DIR belongs to run --embedded, that run's configuration is used (DATA_DIR/embedded/environment.json).",
                "Exit codes: 0 status gathered, 2 configuration invalid, 7 a state file in DATA_DIR is corrupt (the rest is still shown)."})
final class StatusCommand implements Callable<Integer> {

    private static final String LABEL_FORMAT = "%-44s %s%n";

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--json", description = "Print one JSON object (stable keys: dataDir, daemon, cdc, slot, poll, deadLetters, verify, sink)")
    boolean json;

    @Option(names = "--flat", description = "Print one 'path value' line per fact, e.g. slot.walStatus (the output before the table)")
    boolean flat;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json && flat) {
            err.println("--json and --flat are two ways to print the same report: choose one");
            return ExitCodes.CONFIG;
        }
        ObjectMapper mapper = new ObjectMapper();
        Clock clock = Clock.systemUTC();
        OperatorStatus.Result result;
        try {
            result = new OperatorStatus(settings(err), mapper, clock).collect();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return ExitCodes.CONFIG;
        }
        if (!result.report().isEmpty()) {
            if (json) {
                out.println(mapper.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result.report()));
            } else if (!flat) {
                out.print(new StatusTable(result, clock.instant()).render());
            } else {
                Map<String, String> lines = new LinkedHashMap<>();
                flatten("", forHumans(result.report()), lines);
                lines.forEach((label, value) -> out.printf(LABEL_FORMAT, label, value));
            }
            out.flush();
        }
        if (!result.configProblems().isEmpty()) {
            err.println(new ConfigException(result.configProblems()).getMessage());
            return ExitCodes.CONFIG;
        }
        if (!result.corruptFiles().isEmpty()) {
            result.corruptFiles().forEach(err::println);
            return ExitCodes.STATE;
        }
        return 0;
    }

    /**
     * The configuration the daemon in DATA_DIR runs with. {@code run --embedded} points the daemon
     * at its databases with overrides that win over the file and the environment; it records
     * them in DATA_DIR, and status applies them the same way, or it would call the shipped
     * (empty) configuration invalid and skip the parts that are in fact running.
     */
    private Settings settings(PrintWriter err) {
        ConfigReader plain = config.reader();
        Path dataDir = DataConfig.from(plain).dataDir();
        try {
            return EmbeddedDefault.recordedEnvironment(dataDir).map(config::reader).orElse(plain).settings();
        } catch (IOException e) {
            err.println("status: ignoring the embedded run's configuration: " + e.getMessage());
            return plain.settings();
        }
    }

    /** The daemon's own report is long: people get its summary and each part's state; --json keeps all of it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> forHumans(Map<String, Object> report) {
        if (!(report.get("daemon") instanceof Map<?, ?> daemon) || !(daemon.get("live") instanceof Map<?, ?> live)
                || !(live.get("status") instanceof Map<?, ?> status)) {
            return report;
        }
        Map<String, Object> brief = new LinkedHashMap<>();
        status.forEach((part, snapshot) -> {
            if (part.equals("summary") || !(snapshot instanceof Map<?, ?> m)) {
                brief.put(String.valueOf(part), snapshot);
            } else if (m.containsKey("state")) {
                // A section without a state (the console's per-minute history) is not a part to list here.
                brief.put(String.valueOf(part), m.get("state"));
            }
        });
        Map<String, Object> liveCopy = new LinkedHashMap<>((Map<String, Object>) live);
        liveCopy.put("status", brief);
        Map<String, Object> daemonCopy = new LinkedHashMap<>((Map<String, Object>) daemon);
        daemonCopy.put("live", liveCopy);
        Map<String, Object> copy = new LinkedHashMap<>(report);
        copy.put("daemon", daemonCopy);
        return copy;
    }

    /** One line per fact, labelled by its path, so {@code grep slot.walStatus} finds it. */
    private static void flatten(String path, Object value, Map<String, String> lines) {
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty() && !path.isEmpty()) {
                lines.put(path, "(none)");
            }
            map.forEach((key, child) -> flatten(path.isEmpty() ? String.valueOf(key) : path + "." + key, child, lines));
        } else if (value instanceof List<?> list) {
            if (list.isEmpty() || list.stream().noneMatch(item -> item instanceof Map<?, ?>)) {
                lines.put(path, list.isEmpty() ? "(none)" : String.join("; ", list.stream().map(String::valueOf).toList()));
            } else {
                for (int i = 0; i < list.size(); i++) {
                    flatten(path + "[" + i + "]", list.get(i), lines);
                }
            }
        } else {
            lines.put(path, value == null ? "-" : String.valueOf(value));
        }
    }
}
