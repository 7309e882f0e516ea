package com.alignersync.cli;

import com.alignersync.app.ExitCodes;
import com.alignersync.app.StartupException;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.ClinicRows;
import com.alignersync.sink.LedgerKeys;
import com.alignersync.sink.SinkRuntime;
import com.alignersync.portal.PostgrestException;
import com.alignersync.state.CorruptStateFileException;
import com.alignersync.state.OffsetFile;
import com.alignersync.state.PollState;
import com.alignersync.state.PollStateStore;
import com.alignersync.trace.DecisionJournal;
import com.alignersync.trace.Trace;
import com.alignersync.trace.Tracer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trace TABLE KEY}: where one doctor's edit is, in one view, with a verdict. */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Where is the doctor's edit? For one note or batch: the portal's row and SQL Server's (whether they agree on",
                "what flows back), the ledger's entry, every decision the sink journaled for it (which input delivered which version,",
                "what was decided, when it committed) and a one-line verdict to act on. Reads only; runs beside the daemon.",
                "Exit codes: 0 the two sides agree, 1 they differ, 2 configuration, 3 SQL Server, 6 Supabase REST API."})
final class TraceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", paramLabel = "TABLE", description = "notes or batches (aligner_notes, aligner_batches)")
    String table;

    @Parameters(index = "1", paramLabel = "KEY", description = "note_id or aligner_batch_id")
    long key;

    @Option(names = "--json", description = "Print the trace as JSON")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "Decisions shown, newest first (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SourceTable sourceTable = SourceTable.byAlias(table).orElse(null);
        if (sourceTable == null) {
            err.println("TABLE must be notes or batches (aligner_notes, aligner_batches), not '" + table + "'");
            return ExitCodes.CONFIG;
        }
        ObjectMapper mapper = new ObjectMapper();
        PortalCommandSetup setup;
        try {
            setup = PortalCommandSetup.open(config.reader(), false, "").setup();
        } catch (StartupException e) {
            err.println(e.getMessage());
            return e.exitCode();
        }
        Clock clock = Clock.systemUTC();
        try (SinkRuntime runtime = SinkRuntime.open(setup.sqlServer(), setup.sink(), setup.dataDir(), new SimpleMeterRegistry(), mapper, clock)) {
            Tracer tracer = new Tracer(setup.portalReader(mapper),
                    new ClinicRows(runtime.database().dataSource(), runtime.database().dialect(), setup.sqlServer().timeZone()),
                    new LedgerKeys(runtime.database().dataSource(), runtime.database().dialect()), setup.dataDir(), mapper, clock);
            Trace trace;
            try {
                trace = tracer.trace(sourceTable, key, delivery(setup, mapper), limit);
            } catch (PostgrestException e) {
                err.println("trace failed: the portal's REST API: " + e.getMessage());
                return ExitCodes.SOURCE;
            } catch (SQLException e) {
                err.println("trace failed: SQL Server: " + e.getMessage());
                return ExitCodes.SINK;
            }
            if (json) {
                out.println(mapper.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(trace.toMap()));
            } else {
                print(trace, out);
            }
            out.flush();
            return trace.agree() || (trace.portal() == null && trace.clinic() == null) ? 0 : VerifyCommand.DRIFT;
        }
    }

    /** Where the inputs stood when they last wrote their positions in the data directory (offsets.json, the poll state). */
    private static Trace.Delivery delivery(PortalCommandSetup setup, ObjectMapper mapper) {
        Instant cdcUpTo = null;
        Instant lastPoll = null;
        try {
            cdcUpTo = OffsetFile.inDataDir(setup.dataDir(), mapper).read().sourceTime().orElse(null);
        } catch (CorruptStateFileException e) {
            // status and check report a corrupt file; the trace goes on without it
        }
        try {
            lastPoll = new PollStateStore(setup.dataDir(), mapper).load().map(PollState::lastPollTime).orElse(null);
        } catch (RuntimeException | com.alignersync.state.StateFileException e) {
            // as above
        }
        Instant nextPoll = lastPoll == null || !setup.rest().enabled() ? null : lastPoll.plus(setup.rest().interval());
        return new Trace.Delivery(cdcUpTo, lastPoll, nextPoll);
    }

    private static void print(Trace trace, PrintWriter out) {
        out.printf("%s #%d%n", trace.table().tableName(), trace.key());
        out.printf("verdict: %s%n%n", trace.verdict());
        out.printf("portal:     %s%n", trace.portal() == null ? "no such row"
                : trace.portal().values() + " version " + com.alignersync.event.ChangeEvents.fromMicros(trace.portal().version()));
        out.printf("SQL Server: %s%n", trace.clinic() == null ? "no such row" : trace.clinic().values());
        out.printf("agree:      %s%n", trace.agree() ? "yes" : "no");
        out.printf("ledger:     %s%n", trace.ledger() == null ? "no entry (the sink never decided this key)"
                : "version " + com.alignersync.event.ChangeEvents.fromMicros(trace.ledger().version()) + (trace.ledger().tombstone() ? " (deleted)" : "")
                + (trace.ledger().appliedBy() == null ? "" : ", by " + trace.ledger().appliedBy() + " at " + trace.ledger().appliedAt()));
        out.printf("%ndecisions (newest first, from %s):%n", DecisionJournal.class.getSimpleName());
        if (trace.history().isEmpty()) {
            out.println("  none journaled");
        }
        for (DecisionJournal.Entry e : trace.history()) {
            out.printf("  %s  %-8s %-6s v %s  %s %s%s%n", e.at(), e.input(), e.op(), e.versionAt(), e.outcome(),
                    e.detail() == null ? "" : "(" + e.detail() + ")", e.sourceCommitAt() == null ? "" : " portal commit " + e.sourceCommitAt());
        }
    }
}
