package com.alignersync.cli;

import com.alignersync.app.ExitCodes;

import com.alignersync.config.ConfigException;
import com.alignersync.config.ConfigReader;
import com.alignersync.config.DataConfig;
import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.DeadLetterReplay;
import com.alignersync.sink.SinkRuntime;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.state.DataDirectory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists, replays and purges the changes parked in data/dead-letter. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "Changes that could not apply (key conflict, unknown batch, refused value), parked in DATA_DIR/dead-letter.",
        subcommands = {DeadLettersCommand.ListCommand.class, DeadLettersCommand.ReplayCommand.class, DeadLettersCommand.PurgeCommand.class})
final class DeadLettersCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print every parked change with its reason (works offline).")
    static final class ListCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Option(names = "--json", description = "One JSON object per line, as stored")
        boolean json;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            DataConfig data;
            try {
                ConfigReader reader = config.reader();
                data = DataConfig.from(reader);
                reader.throwIfProblems();
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return ExitCodes.CONFIG;
            }
            ObjectMapper mapper = new ObjectMapper();
            List<DeadLetterLog.Entry> entries = new DeadLetterLog(data.dataDir(), mapper, Clock.systemUTC()).readAll();
            for (DeadLetterLog.Entry entry : entries) {
                if (json) {
                    out.println(mapper.writeValueAsString(entry));
                } else if (entry.event() != null) {
                    out.printf("%s  %s#%s %s from %s: %s%n", entry.at(), entry.event().path("table").asText(),
                            entry.event().path("key").asText(), entry.event().path("op").asText(),
                            entry.event().path("input").asText(), entry.reason());
                } else {
                    out.printf("%s  raw record from %s (not replayable): %s%n", entry.at(), entry.raw().path("input").asText(), entry.reason());
                }
            }
            if (!json) {
                out.println(entries.size() + " parked");
            }
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Send parked changes through the sink again (the ledger still decides: stale ones are dropped).",
                    "Pick them by reason or time to replay what a fault that has cleared parked (an outage, a broken trigger).",
                    "Needs the data directory: stop the daemon first."})
    static final class ReplayCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Only entries whose reason contains TEXT (case-insensitive),"
                + " e.g. 'error 90067' or 'Connection'")
        String reason;

        @Option(names = "--since", paramLabel = "INSTANT", description = "Only entries parked at or after INSTANT (ISO-8601, e.g. 2026-12-03T08:00:00Z)")
        java.time.Instant since;

        @Option(names = "--until", paramLabel = "INSTANT", description = "Only entries parked before INSTANT (ISO-8601)")
        java.time.Instant until;

        /** The entries this replay picks; an entry whose time cannot be read is picked only without --since and --until. */
        java.util.function.Predicate<DeadLetterLog.Entry> selection() {
            return entry -> {
                if (reason != null && (entry.reason() == null
                        || !entry.reason().toLowerCase(java.util.Locale.ROOT).contains(reason.toLowerCase(java.util.Locale.ROOT)))) {
                    return false;
                }
                if (since == null && until == null) {
                    return true;
                }
                java.time.Instant at;
                try {
                    at = java.time.Instant.parse(entry.at());
                } catch (RuntimeException e) {
                    return false;
                }
                return (since == null || !at.isBefore(since)) && (until == null || at.isBefore(until));
            };
        }

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            SqlServerConfig sqlServer;
            SinkConfig sinkConfig;
            DataConfig data;
            try {
                ConfigReader reader = config.reader();
                sqlServer = SqlServerConfig.from(reader);
                sinkConfig = SinkConfig.from(reader);
                data = DataConfig.from(reader);
                reader.throwIfProblems();
            } catch (ConfigException e) {
                err.println(e.getMessage());
                return ExitCodes.CONFIG;
            }
            ObjectMapper mapper = new ObjectMapper();
            try (DataDirectory ignored = DataDirectory.lock(data.dataDir());
                 SinkRuntime runtime = SinkRuntime.open(sqlServer, sinkConfig, data.dataDir(), new SimpleMeterRegistry(), mapper, Clock.systemUTC())) {
                runtime.sink().checkReady();
                DeadLetterReplay.Result result = new DeadLetterReplay(runtime.deadLetters(), runtime.sink(), mapper).replay(selection());
                out.printf("resolved %d, still parked %d, not replayable %d%n", result.resolved(), result.stillParked(), result.notReplayable());
                return 0;
            } catch (DataDirectory.DataDirectoryLockedException e) {
                err.println(e.getMessage());
                return ExitCodes.LOCKED;
            } catch (SinkUnavailableException e) {
                err.println("replay failed, nothing changed: " + e.getMessage());
                return ExitCodes.SINK;
            }
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = {"Delete parked changes older than the given number of days (they hold note text; keep them no longer than needed).",
                    "Needs the data directory: stop the daemon first."})
    static final class PurgeCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Option(names = "--older-than", required = true, paramLabel = "DAYS",
                description = "Delete what was parked more than DAYS days ago (0: everything)")
        int days;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (days < 0) {
                err.println("--older-than is " + days + ": expected 0 or more days");
                return picocli.CommandLine.ExitCode.USAGE;
            }
            DataConfig data;
            try {
                ConfigReader reader = config.reader();
                data = DataConfig.from(reader);
                reader.throwIfProblems();
            } catch (ConfigException e) {
                err.println(e.getMessage());
                return ExitCodes.CONFIG;
            }
            // The lock: the daemon appends to the file, and a rewrite meanwhile would drop its line.
            try (DataDirectory ignored = DataDirectory.lock(data.dataDir())) {
                Clock clock = Clock.systemUTC();
                DeadLetterLog log = new DeadLetterLog(data.dataDir(), new ObjectMapper(), clock);
                int purged = log.purgeParkedBefore(clock.instant().minus(Duration.ofDays(days)));
                out.printf("purged %d, kept %d%n", purged, log.count());
                return 0;
            } catch (DataDirectory.DataDirectoryLockedException e) {
                err.println(e.getMessage());
                return ExitCodes.LOCKED;
            }
        }
    }
}
