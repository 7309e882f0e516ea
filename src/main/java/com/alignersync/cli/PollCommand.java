package com.alignersync.cli;

import com.alignersync.app.Daemon;
import com.alignersync.app.ExitCodes;
import com.alignersync.app.StartupException;

import com.alignersync.config.ConfigException;
import com.alignersync.config.ConfigKeys;
import com.alignersync.config.ConfigReader;
import com.alignersync.config.PollConfig;
import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.SinkRuntime;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.source.poll.CursorStream;
import com.alignersync.source.poll.PollSummary;
import com.alignersync.source.poll.Poller;
import com.alignersync.portal.PostgrestClient;
import com.alignersync.source.poll.StreamCounts;
import com.alignersync.state.DataDirectory;
import com.alignersync.state.PollStateStore;
import com.alignersync.state.StateFileException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** One REST poll now, a dry run of it, or starting the cursors over on purpose. */
@Command(name = "poll", mixinStandardHelpOptions = true,
        description = {"Run one REST poll now: read every change after the cursors in data/reverse-sync-state.json",
                "(and the overlap window behind them) from Supabase and apply it to SQL Server.",
                "Exit codes: 0 ok, 2 configuration, 3 SQL Server, 4 Supabase REST API, 5 corrupt state file."})
final class PollCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--dry-run", description = "List what the poll would apply (against the ledger); write nothing, move no cursor")
    boolean dryRun;

    @Option(names = "--reset-cursor", description = "Start over on purpose: move the state file aside (kept as .reset-<time>);"
            + " the next poll starts from poll.initial-lookback-hours, or from --since")
    boolean resetCursor;

    @Option(names = "--since", paramLabel = "ISO-TIME", description = "With --reset-cursor: set every cursor to this instant, e.g. 2026-11-01T00:00:00Z")
    Instant since;

    @Option(names = "--json", description = "Print the summary as JSON (the body POST /api/sync/poll answers)")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (since != null && !resetCursor) {
            err.println("--since only goes with --reset-cursor");
            return ExitCodes.CONFIG;
        }
        ObjectMapper mapper = new ObjectMapper();
        ConfigReader reader;
        SqlServerConfig sqlServer;
        SinkConfig sinkConfig;
        PollConfig pollConfig;
        Path dataDir;
        try {
            reader = config.reader();
            dataDir = Path.of(reader.string(ConfigKeys.DATA_DIR));
            if (resetCursor) {
                try (DataDirectory ignored = Daemon.lock(dataDir)) {
                    return reset(new PollStateStore(dataDir, mapper), out);
                } catch (StartupException e) {
                    err.println(e.getMessage());
                    return e.exitCode();
                }
            }
            sqlServer = SqlServerConfig.from(reader);
            sinkConfig = SinkConfig.from(reader);
            pollConfig = PollConfig.from(reader);
            if (pollConfig.restUrl() == null) {
                reader.requiredString(ConfigKeys.SUPABASE_URL);
            }
            if (pollConfig.apiKey() == null || pollConfig.apiKey().isBlank()) {
                reader.requiredString(ConfigKeys.SUPABASE_SERVICE_ROLE_KEY);
            }
            reader.throwIfProblems();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return ExitCodes.CONFIG;
        }
        Clock clock = Clock.systemUTC();
        // A poll writes the cursor file and dead letters: only the holder of the data directory may.
        // A dry run writes nothing, so it may run beside a daemon.
        DataDirectory lock = null;
        if (!dryRun) {
            try {
                lock = Daemon.lock(dataDir);
            } catch (StartupException e) {
                err.println(e.getMessage() + "; while it runs, ask it for a poll with POST /api/sync/poll");
                return e.exitCode();
            }
        }
        try (DataDirectory held = lock;
             SinkRuntime runtime = SinkRuntime.open(sqlServer, sinkConfig, dataDir, new SimpleMeterRegistry(), mapper, clock)) {
            SqlServerSink sink = runtime.sink();
            DeadLetterLog deadLetters = runtime.deadLetters();
            PostgrestClient client = new PostgrestClient(pollConfig.restUrl(), pollConfig.apiKey(), pollConfig.requestTimeout(), mapper);
            Poller poller;
            try {
                poller = Poller.open(pollConfig, client, sink, deadLetters, new PollStateStore(dataDir, mapper), clock);
            } catch (StateFileException e) {
                err.println(e.getMessage());
                return ExitCodes.STATE;
            }
            PollSummary summary = dryRun ? poller.dryRun() : poller.poll();
            if (json) {
                out.println(mapper.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary.toMap()));
            } else {
                print(summary, out);
            }
            if (!summary.ok()) {
                err.println("poll failed: " + summary.error().kind() + (summary.error().stream() == null ? "" : " " + summary.error().stream())
                        + ": " + summary.error().message());
                return switch (summary.error().kind()) {
                    case REST -> ExitCodes.SOURCE;
                    case STATE -> ExitCodes.STATE;
                    case SINK, GUARD -> ExitCodes.SINK;
                };
            }
            return 0;
        }
    }

    private int reset(PollStateStore store, PrintWriter out) throws IOException {
        List<String> names = new ArrayList<>();
        names.add(CursorStream.batches().name());
        CursorStream.notes(true).forEach(s -> names.add(s.name()));
        CursorStream.notes(false).forEach(s -> names.add(s.name()));
        Optional<Path> backup = store.reset(since, names, Instant.now());
        backup.ifPresent(path -> out.println("Previous state kept as " + path));
        out.println(since == null
                ? "Cursors reset: the next poll starts poll.initial-lookback-hours back."
                : "Cursors reset: the next poll reads every change since " + since + ".");
        return 0;
    }

    private static void print(PollSummary summary, PrintWriter out) {
        out.printf("%s %s in %d ms%n", summary.dryRun() ? "Dry run" : "Poll", summary.ok() ? "complete" : "FAILED", summary.millis());
        out.printf("%-28s %7s %7s %8s %9s %9s %6s %8s %11s  %s%n", "cursor", "pages", "fetched", "applied", "unchanged",
                "duplicate", "stale", "ignored", "dead-letter", "cursor now");
        for (StreamCounts s : summary.streams()) {
            out.printf("%-28s %7d %7d %8d %9d %9d %6d %8d %11d  %s%n", s.stream(), s.pages(), s.fetched(), s.count(Outcome.APPLIED),
                    s.count(Outcome.UNCHANGED), s.count(Outcome.DUPLICATE), s.count(Outcome.STALE), s.count(Outcome.IGNORED),
                    s.count(Outcome.DEAD_LETTER) + s.invalid(), s.cursor() == null ? "(unchanged)" : s.cursor());
        }
        if (summary.dryRun()) {
            out.printf("%d change(s) would apply (an upper bound: a batch whose Days already match, or one SQL Server does not"
                    + " have, is found out only by the write)%n", summary.plannedTotal());
            summary.planned().forEach(p -> out.printf("  would apply %s #%d version %d%n", p.table(), p.key(), p.version()));
            if (summary.plannedTotal() > summary.planned().size()) {
                out.printf("  ... and %d more%n", summary.plannedTotal() - summary.planned().size());
            }
        }
    }
}
