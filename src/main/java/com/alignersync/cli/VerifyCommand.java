package com.alignersync.cli;

import com.alignersync.status.FailureKind;
import com.alignersync.app.ExitCodes;
import com.alignersync.app.StartupException;
import com.alignersync.reconcile.DeleteGuard;
import com.alignersync.reconcile.Verifier;
import com.alignersync.reconcile.VerifyReport;
import com.alignersync.sink.ClinicRows;
import com.alignersync.sink.LedgerKeys;
import com.alignersync.sink.SinkRuntime;
import com.alignersync.state.DataDirectory;
import com.alignersync.state.LastVerifyStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code verify [--json] [--limit N] [--repair]}: a drift report of the portal against SQL Server. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compare every Doctor note (NoteText, IsEdited, EditedAt, IsRead, AlignerSetID) and every batch's Days,",
                "portal against SQL Server, and report rows compared, in sync, missing in SQL Server, extra in SQL Server",
                "and different (with the columns), with the first keys of each. The result is kept in DATA_DIR/last-verify.json",
                "for status and the aligner_sync_verify_drift_rows metric. --repair sends the portal's rows (and deletes of",
                "extra notes the ledger wrote) through the sink, then compares again; it needs the data directory (stop the daemon).",
                "The deletes pass the delete guard: an empty portal listing, or one far smaller than the ledger, deletes nothing.",
                "Exit codes: 0 everything matches, 1 drift found, 2 configuration, 3 SQL Server, 4 data directory in use (--repair),",
                "6 Supabase REST API, 10 deletes refused by the delete guard (--repair; the rest of the repair was done)."})
final class VerifyCommand implements Callable<Integer> {

    static final int DRIFT = 1;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--json", description = "Print the report as JSON")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "10", description = "Keys listed per kind of drift (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--repair", description = "Send the portal's current rows through the sink (the ledger still decides), then verify again")
    boolean repair;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (limit < 0) {
            err.println("--limit must be 0 or more");
            return ExitCodes.CONFIG;
        }
        ObjectMapper mapper = new ObjectMapper();
        PortalCommandSetup.Opened opened;
        try {
            opened = PortalCommandSetup.open(config.reader(), repair, "verify without --repair runs beside it");
        } catch (StartupException e) {
            err.println(e.getMessage());
            return e.exitCode();
        }
        PortalCommandSetup setup = opened.setup();
        Clock clock = Clock.systemUTC();
        try (DataDirectory held = opened.lock();
             SinkRuntime runtime = SinkRuntime.open(setup.sqlServer(), setup.sink(), setup.dataDir(), new SimpleMeterRegistry(), mapper, clock)) {
            Verifier verifier = new Verifier(setup.portalReader(mapper),
                    new ClinicRows(runtime.database().dataSource(), runtime.database().dialect(), setup.sqlServer().timeZone()),
                    new LedgerKeys(runtime.database().dataSource(), runtime.database().dialect()),
                    repair ? runtime.sink() : null, repair ? new DeleteGuard(setup.reconcile().maxDeletePercent()) : null, clock);
            VerifyReport report;
            TerminalProgress progress = TerminalProgress.forConsole(err);
            try {
                report = verifier.run(repair, limit, progress);
            } catch (Verifier.VerifyException e) {
                progress.clear();
                err.println("verify failed: " + e.getMessage());
                return e.kind() == FailureKind.REST ? ExitCodes.SOURCE : ExitCodes.SINK;
            }
            progress.clear();
            try {
                new LastVerifyStore(setup.dataDir(), mapper).save(report.summary());
            } catch (IOException e) {
                err.println("warning: cannot write " + LastVerifyStore.FILE_NAME + " in " + setup.dataDir() + ": " + e.getMessage()
                        + " (status will not show this verify)");
            }
            if (json) {
                out.println(mapper.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report.toMap()));
            } else {
                print(report, out);
            }
            out.flush();
            if (report.repair() != null && report.repair().refusal() != null) {
                DeleteGuard.Refusal refusal = report.repair().refusal();
                err.println("verify --repair: " + report.repair().deletesRefused() + " delete(s) refused by the delete guard ("
                        + refusal.cause().label() + "): " + refusal.message());
                return ExitCodes.DELETES_REFUSED;
            }
            return report.inSync() ? 0 : DRIFT;
        }
    }

    private static void print(VerifyReport report, PrintWriter out) {
        if (report.repair() != null) {
            VerifyReport.Repair r = report.repair();
            out.printf("Repair: %d drift row(s) found; %d change(s) sent through the sink: %d applied, %d unchanged, %d not applied;"
                    + " %d not repairable through the sink%n", r.driftBefore(), r.sent(), r.applied(), r.unchanged(), r.notApplied(), r.skipped());
            if (r.refusal() != null) {
                out.printf("  deletes refused by the delete guard (%s): %d; the extra notes stay in SQL Server (the reason is on stderr)%n",
                        r.refusal().cause().label(), r.deletesRefused());
            }
            out.println("After the repair:");
        }
        out.printf("Verify %s: %d rows compared in %d ms (%.0f rows/s), %d drift row(s)%n", report.inSync() ? "IN SYNC" : "FOUND DRIFT",
                report.compared(), report.millis(), report.rate(), report.drift());
        for (VerifyReport.Section s : new VerifyReport.Section[] {report.notes(), report.batches()}) {
            String what = s.table().equals("aligner_notes") ? "Doctor notes" : "batches (Days)";
            out.printf("%-16s compared %d, in sync %d, missing in SQL Server %d, extra in SQL Server %d, different %d%n",
                    what, s.compared(), s.inSync(), s.missing(), s.extra(), s.different());
            if (!s.missingKeys().isEmpty()) {
                out.printf("  missing in SQL Server: %s%s%n", s.missingKeys(), s.missing() > s.missingKeys().size() ? " ..." : "");
            }
            if (!s.extraKeys().isEmpty()) {
                out.printf("  extra in SQL Server:   %s%s%n", s.extraKeys(), s.extra() > s.extraKeys().size() ? " ..." : "");
            }
            for (VerifyReport.Difference d : s.differences()) {
                out.printf("  different: %d %s%n", d.key(), d.columns());
            }
            if (s.different() > s.differences().size()) {
                out.printf("  ... and %d more different%n", s.different() - s.differences().size());
            }
        }
    }
}
