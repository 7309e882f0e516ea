package com.alignersync.cli;

import com.alignersync.app.ExitCodes;
import com.alignersync.config.ConfigException;
import com.alignersync.ops.CheckResult;
import com.alignersync.ops.Preflight;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code check}: the preflight, one line per check. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Preflight before the first start (and after any change on either side): configuration, state files,",
                "the portal's Postgres (wal_level, REPLICATION, publication, replica identity, updated_at, slot),",
                "SQL Server (reachable, ledger, clinic tables) and the REST key. One line per check: OK|WARN|FAIL|SKIP  <check>: <detail>.",
                "Exit codes: 0 nothing failed (warnings allowed), 2 configuration invalid, 9 another check failed."})
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<CheckResult> results;
        try {
            results = new Preflight(config.reader().settings(), Clock.systemUTC(), new ObjectMapper()).run();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return ExitCodes.CONFIG;
        }
        results.forEach(result -> out.println(result.line()));
        long failed = results.stream().filter(r -> r.status() == CheckResult.Status.FAIL).count();
        long warned = results.stream().filter(r -> r.status() == CheckResult.Status.WARN).count();
        out.printf("%d check(s) failed, %d warning(s)%n", failed, warned);
        if (results.stream().anyMatch(r -> r.status() == CheckResult.Status.FAIL && r.name().equals(Preflight.CONFIGURATION))) {
            return ExitCodes.CONFIG;
        }
        return failed > 0 ? ExitCodes.CHECK_FAILED : 0;
    }
}
