package com.alignersync.cli;

import ch.qos.logback.classic.LoggerContext;
import com.alignersync.app.Daemon;
import com.alignersync.app.ExitCodes;
import com.alignersync.app.StartupException;
import com.alignersync.config.ConfigException;
import com.alignersync.config.ConfigKeys;
import com.alignersync.config.ConfigReader;
import com.alignersync.config.DaemonConfig;
import com.alignersync.config.DataConfig;
import com.alignersync.config.HttpServerConfig;
import com.alignersync.embedded.EmbeddedDefault;
import com.alignersync.embedded.EmbeddedStack;
import com.alignersync.state.DataDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: the daemon, until SIGTERM or Ctrl-C (exit 0 after a clean stop) or a fatal failure (its exit code). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the daemon: sink, HTTP server (webhook, status, health, metrics) and the inputs.",
                "With --embedded, on a real embedded PostgreSQL (the portal) and an H2 clinic database under DATA_DIR/embedded."})
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--embedded", description = "Start embedded portal and clinic databases with sample data and run against them")
    boolean embedded;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        DataDirectory dataDirectory = null;
        EmbeddedStack stack = null;
        try {
            ConfigReader preliminary = config.reader();
            DataConfig data = DataConfig.from(preliminary);
            int embeddedPort = preliminary.intInRange(ConfigKeys.EMBEDDED_POSTGRES_PORT, 1, 65535);
            dataDirectory = Daemon.lock(data.dataDir());
            Map<String, String> overrides = Map.of();
            EmbeddedDefault embeddedDefault = null;
            if (embedded) {
                embeddedDefault = EmbeddedDefault.start(data.dataDir(), embeddedPort,
                        preliminary.string(ConfigKeys.SUPABASE_URL) != null);
                stack = embeddedDefault.stack();
                overrides = new java.util.HashMap<>(embeddedDefault.environment());
                if (HttpServerConfig.from(preliminary).plainTextExposure().isPresent()) {
                    // A try-out on this machine: with no TLS or proxy named, the webhook listens on loopback
                    // rather than refusing to start (a real deployment is refused, and told why).
                    overrides.put(ConfigKeys.HTTP_BIND_ADDRESS.env(), "127.0.0.1");
                    log.info("run --embedded: the public listener binds 127.0.0.1 (no TLS or proxy is configured)");
                }
            }
            ConfigReader reader = config.reader(overrides);
            DaemonConfig daemonConfig = DaemonConfig.from(reader);
            reader.settings().describe().forEach((key, value) -> log.info("config: {} = {}", key, value));
            DataDirectory owned = dataDirectory;
            dataDirectory = null; // the daemon owns it now, and releases it even when it cannot start
            Daemon daemon = Daemon.start(daemonConfig, owned, Clock.systemUTC());
            if (embeddedDefault != null) {
                spec.commandLine().getOut().println(embeddedDefault.instructions(daemon.webhookPort(), daemon.opsPort()));
                spec.commandLine().getOut().flush();
            }
            EmbeddedStack portalAndClinic = stack;
            stack = null; // closed by runUntilStopped, after the daemon
            return runUntilStopped(daemon, portalAndClinic);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return ExitCodes.CONFIG;
        } catch (StartupException e) {
            err.println("aligner-sync cannot start: " + e.getMessage());
            return e.exitCode();
        } catch (Exception e) {
            err.println("aligner-sync cannot start: " + e);
            log.error("run: start failed", e);
            return embedded ? ExitCodes.SOURCE : ExitCodes.INPUT_FAILED;
        } finally {
            closeQuietly(stack);
            closeQuietly(dataDirectory);
        }
    }

    /**
     * SIGTERM and Ctrl-C run the shutdown hook: it asks the daemon to stop, waits until every
     * part has stopped (in-flight batches committed, offsets and cursors stored) and ends the
     * JVM with the daemon's exit code, 0 for a requested stop, since a JVM ended by a signal
     * would otherwise report 143.
     */
    private int runUntilStopped(Daemon daemon, EmbeddedStack embeddedDatabases) {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger();
        Thread hook = new Thread(() -> {
            log.info("run: stop requested (signal)");
            daemon.requestStop();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
                logback.stop();
            }
            Runtime.getRuntime().halt(exitCode.get());
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            exitCode.set(daemon.awaitExit());
        } catch (InterruptedException e) {
            // Interrupted by whoever embeds the command: a stop request like SIGTERM.
            exitCode.set(0);
        } finally {
            daemon.close();
            closeQuietly(embeddedDatabases);
            if (exitCode.get() == 0) {
                confirmCompleteRun();
            }
            stopped.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook ends the JVM with exitCode
        }
        return exitCode.get();
    }

    /**
     * Where the launcher ({@code connector-config/aligner-sync.sh}) wants to learn that this run was a whole one: the
     * daemon started every part and stopped cleanly. The launcher has the JVM write a class-data archive at exit when
     * none fits this jar and JVM yet, and keeps it only with this file beside it: a run that failed at start loaded a
     * few classes only, and its archive would be mapped, and the speed-up lost, until the next upgrade.
     */
    static final String COMPLETE_RUN_PROPERTY = "aligner-sync.complete-run-file";

    private static void confirmCompleteRun() {
        String file = System.getProperty(COMPLETE_RUN_PROPERTY);
        if (file == null || file.isBlank()) {
            return;
        }
        try {
            Files.write(Path.of(file), new byte[0]);
        } catch (IOException | RuntimeException e) {
            log.warn("run: cannot write {} ({}): the launcher writes the class-data archive again at the next run", file, e.toString());
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("run: closing {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
