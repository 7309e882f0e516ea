package com.alignersync.cli;

import com.alignersync.app.ExitCodes;
import com.alignersync.app.StartupException;
import com.alignersync.reconcile.DeleteGuard;
import com.alignersync.reconcile.ReconcileResult;
import com.alignersync.reconcile.Reconciler;
import com.alignersync.sink.LedgerKeys;
import com.alignersync.sink.SinkRuntime;
import com.alignersync.state.DataDirectory;
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

/** {@code reconcile [--dry-run]}: delete through the sink the Doctor notes the portal no longer has. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {"List the portal's note keys through its REST API and compare them with the notes the ledger says came",
                "from the portal and were not deleted; delete the ones the portal no longer has through the sink",
                "(sink.notes.delete-mode applies). Never touches Lab notes or rows the sync did not write.",
                "The deletes pass the delete guard: an empty portal listing, one lacking more than half of the ledger's notes,",
                "or more than reconcile.max-delete-percent of them deletes nothing.",
                "While a daemon runs, use POST /api/sync/reconcile instead (a dry run may run beside it).",
                "Exit codes: 0 done, 1 refused by the delete guard, 2 configuration, 3 SQL Server,",
                "4 data directory in use, 6 Supabase REST API."})
final class ReconcileCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--dry-run", description = "Only list what would be deleted")
    boolean dryRun;

    @Option(names = "--json", description = "Print the result as JSON (the body POST /api/sync/reconcile answers)")
    boolean json;

    @Option(names = "--allow-mass-delete", description = {"This once, delete what the portal does not list however many it is,"
            + " even everything: for a portal whose notes really were deleted. Check with --dry-run first."})
    boolean allowMassDelete;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper mapper = new ObjectMapper();
        PortalCommandSetup.Opened opened;
        try {
            opened = PortalCommandSetup.open(config.reader(), !dryRun, "while it runs, ask it with POST /api/sync/reconcile");
        } catch (StartupException e) {
            err.println(e.getMessage());
            return e.exitCode();
        }
        PortalCommandSetup setup = opened.setup();
        Clock clock = Clock.systemUTC();
        try (DataDirectory held = opened.lock();
             SinkRuntime runtime = SinkRuntime.open(setup.sqlServer(), setup.sink(), setup.dataDir(), new SimpleMeterRegistry(), mapper, clock)) {
            DeleteGuard guard = new DeleteGuard(setup.reconcile().maxDeletePercent());
            Reconciler reconciler = new Reconciler(setup.portalReader(mapper),
                    new LedgerKeys(runtime.database().dataSource(), runtime.database().dialect()), runtime.sink(),
                    allowMassDelete ? guard.allowingMassDelete() : guard, clock);
            ReconcileResult result = reconciler.run(dryRun, "command");
            if (json) {
                out.println(mapper.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result.toMap()));
            } else {
                print(result, out);
            }
            out.flush();
            if (!result.ok()) {
                err.println("reconcile failed: " + result.error().kind() + ": " + result.error().message());
                return switch (result.error().kind()) {
                    case REST -> ExitCodes.SOURCE;
                    case GUARD -> 1;
                    case SINK, STATE -> ExitCodes.SINK;
                };
            }
            return 0;
        }
    }

    private static void print(ReconcileResult r, PrintWriter out) {
        out.printf("Reconcile%s %s in %d ms (%.0f keys/s)%n", r.dryRun() ? " dry run" : "", r.ok() ? "complete" : "FAILED", r.millis(), r.rate());
        out.printf("  Doctor notes in the ledger (applied, not deleted): %d%n", r.ledgerNotes());
        out.printf("  notes in the portal:                              %d%s%n", r.portalNotes(),
                r.portalCount() == null ? "" : " (PostgREST counts " + r.portalCount() + ")");
        out.printf("  gone from the portal:                             %d (%d back on re-check, left alone)%n", r.gone(), r.reappeared());
        if (r.dryRun()) {
            out.printf("  would delete:                                     %d%n", r.toDelete());
        } else {
            out.printf("  deleted:                                          %d (%d already gone, %d not applied)%n",
                    r.deleted(), r.alreadyGone(), r.notApplied());
        }
        out.printf("  batches the portal no longer lists (never deleted): %d%n", r.batchesNotInPortal());
        if (!r.sampleKeys().isEmpty()) {
            out.printf("  note keys: %s%s%n", r.sampleKeys(), r.toDelete() > r.sampleKeys().size() ? " ..." : "");
        }
    }
}
