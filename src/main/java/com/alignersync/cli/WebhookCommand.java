package com.alignersync.cli;

import com.alignersync.app.ExitCodes;

import com.alignersync.config.ConfigException;
import com.alignersync.config.ConfigKeys;
import com.alignersync.config.ConfigReader;
import com.alignersync.config.HttpServerConfig;
import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import com.alignersync.config.WebhookConfig;
import com.alignersync.http.HttpServer;
import com.alignersync.ops.SinkStatus;
import com.alignersync.sink.ClinicDatabase;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.source.webhook.WebhookInput;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * Runs the HTTP surface with the webhook input alone, until stopped (SIGTERM, Ctrl-C): for a
 * site that wants only webhooks, and until the full daemon wires every input together.
 */
@Command(name = "webhook", mixinStandardHelpOptions = true,
        description = {"Serve POST /api/sync/webhook, /api/sync/status, /health, /ready and /metrics until stopped.",
                "Needs the SQL Server settings and WEBHOOK_SECRET (or webhook.auth=none, explicitly)."})
final class WebhookCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(WebhookCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        SqlServerConfig sqlServer;
        SinkConfig sinkConfig;
        WebhookConfig webhookConfig;
        HttpServerConfig httpConfig;
        Path dataDir;
        ConfigReader reader;
        try {
            reader = config.reader();
            sqlServer = SqlServerConfig.from(reader);
            sinkConfig = SinkConfig.from(reader);
            webhookConfig = WebhookConfig.from(reader);
            httpConfig = HttpServerConfig.from(reader);
            dataDir = Path.of(reader.string(ConfigKeys.DATA_DIR));
            reader.throwIfProblems();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return ExitCodes.CONFIG;
        }
        reader.settings().describe().forEach((key, value) -> log.info("config: {} = {}", key, value));

        Clock clock = Clock.systemUTC();
        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopRequested.countDown();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown");
        try (ClinicDatabase database = ClinicDatabase.open(sqlServer)) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            SinkMetrics metrics = new SinkMetrics(registry);
            DeadLetterLog deadLetters = new DeadLetterLog(dataDir, new ObjectMapper(), clock);
            SqlServerSink sink = new SqlServerSink(database.dataSource(), database.dialect(), sinkConfig, sqlServer.timeZone(),
                    deadLetters, metrics, clock);
            SinkStatus sinkStatus = new SinkStatus(sink, metrics, deadLetters);
            sinkStatus.notReadyReason().ifPresent(reason ->
                    log.warn("sink: not ready yet, webhooks will get 503 until it is: {}", reason));
            try (WebhookInput webhook = new WebhookInput(webhookConfig, sink, registry, clock)) {
                HttpServer server = new HttpServer(httpConfig, List.of(webhook.status(), sinkStatus), sinkStatus, registry, clock);
                webhook.registerOn(server);
                try {
                    server.start();
                } catch (RuntimeException e) {
                    err.println("cannot start the HTTP server on " + httpConfig.bindAddress() + ":" + httpConfig.port() + ": " + e.getMessage()
                            + " (is the port in use? set PORT)");
                    return ExitCodes.HTTP;
                }
                Runtime.getRuntime().addShutdownHook(hook);
                boolean interrupted = false;
                try {
                    stopRequested.await();
                } catch (InterruptedException e) {
                    // Keep the flag clear while draining: Jetty's graceful stop waits, and would abort.
                    interrupted = true;
                } finally {
                    log.info("webhook: stop requested");
                    // Stop taking requests and let those in progress commit before the sink goes away.
                    server.stop();
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // already shutting down, or never added
            }
        }
    }
}
