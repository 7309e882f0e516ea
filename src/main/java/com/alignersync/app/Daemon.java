package com.alignersync.app;

import com.alignersync.config.ConfigKey;
import com.alignersync.config.ConfigKeys;
import com.alignersync.config.DaemonConfig;
import com.alignersync.http.ListenerStatus;
import com.alignersync.http.OpsRoutes;
import com.alignersync.status.StatusReport;
import com.alignersync.config.UrlSecrets;
import com.alignersync.http.DeadLetterReplayRoute;
import com.alignersync.http.HttpServer;
import com.alignersync.http.RequestAuthenticator;
import com.alignersync.status.Freshness;
import com.alignersync.sink.DecisionListener;
import com.alignersync.trace.DecisionJournal;
import com.alignersync.trace.Trace;
import com.alignersync.http.TraceRoute;
import com.alignersync.trace.Tracer;
import com.alignersync.sink.ClinicRows;
import com.alignersync.ops.SinkStatus;
import com.alignersync.ops.StatusHistory;
import com.alignersync.status.StatusSource;
import com.alignersync.sink.DeadLetterReplay;
import com.alignersync.sink.Outcome;
import com.alignersync.reconcile.DeleteGuard;
import com.alignersync.portal.PortalReader;
import com.alignersync.reconcile.ReconcileService;
import com.alignersync.http.ReconcileTrigger;
import com.alignersync.reconcile.Verifier;
import com.alignersync.http.VerifyTrigger;
import com.alignersync.reconcile.Reconciler;
import com.alignersync.reconcile.VerifyStatus;
import com.alignersync.sink.LedgerKeys;
import com.alignersync.sink.LedgerMissingException;
import com.alignersync.sink.SinkRuntime;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.source.cdc.CdcInput;
import com.alignersync.source.cdc.CdcState;
import com.alignersync.source.poll.PollInput;
import com.alignersync.http.PollTrigger;
import com.alignersync.source.poll.Poller;
import com.alignersync.portal.PostgrestClient;
import com.alignersync.source.webhook.WebhookInput;
import com.alignersync.state.CorruptStateFileException;
import com.alignersync.state.DataDirectory;
import com.alignersync.state.LastVerifyStore;
import com.alignersync.state.OffsetFile;
import com.alignersync.state.PollStateStore;
import com.alignersync.state.StateFileException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole daemon: the data directory (locked), the sink, the inputs, reconcile's schedule and
 * the two HTTP listeners (the public one with only the webhook; the ops one with the console,
 * status, metrics and operator routes), all feeding the one sink. Parts start in that order and
 * stop in reverse: the listeners stop taking requests first, inputs let their in-flight batch commit and store their position, the
 * sink's pool closes last, then the lock goes.
 *
 * <p>One failure path: a part that fails for good at run time calls {@link #fail}; whoever
 * waits in {@link #awaitExit} gets the exit code and closes the daemon.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final Deque<Stoppable> started = new ArrayDeque<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private HttpServer publicHttp;
    private HttpServer opsHttp;
    private PollInput poll;
    private ReconcileService reconcile;
    private boolean closed;

    /** Something to undo at shutdown, named for the log. */
    private record Stoppable(String name, AutoCloseable action) {
    }

    private Daemon() {
    }

    /**
     * Starts every enabled part; on failure stops what was started and throws.
     *
     * @throws StartupException with the exit code of the failure class
     */
    /**
     * @param dataDirectory the locked data directory; the daemon releases it when it stops
     */
    public static Daemon start(DaemonConfig config, DataDirectory dataDirectory, Clock clock) throws StartupException {
        Daemon daemon = new Daemon();
        daemon.started.push(new Stoppable("data directory lock", dataDirectory));
        try {
            daemon.startParts(config, dataDirectory, clock);
            return daemon;
        } catch (StartupException | RuntimeException e) {
            daemon.close();
            throw e;
        }
    }

    /**
     * Locks the data directory for a daemon (or a command that writes its state).
     *
     * @throws StartupException with {@link ExitCodes#LOCKED} when another daemon holds it
     */
    public static DataDirectory lock(java.nio.file.Path dataDir) throws StartupException {
        try {
            return DataDirectory.lock(dataDir);
        } catch (DataDirectory.DataDirectoryLockedException e) {
            throw new StartupException(ExitCodes.LOCKED, e.getMessage(), e);
        } catch (IOException e) {
            throw new StartupException(ExitCodes.STATE, "cannot use the data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private void startParts(DaemonConfig config, DataDirectory dataDirectory, Clock clock) throws StartupException {
        ObjectMapper mapper = new ObjectMapper();
        log.info("daemon: data directory {} (locked)", dataDirectory.root().toAbsolutePath());
        if (config.webhook().enabled()) {
            // Before anything starts: a certificate that cannot be served is a configuration error, not a port in use.
            publicHttp = new HttpServer(config.http().webhook(), clock);
            java.util.Optional<String> certificate = publicHttp.loadCertificate();
            if (certificate.isPresent()) {
                throw new StartupException(ExitCodes.CONFIG, ConfigKeys.HTTP_TLS_CERTIFICATE.label() + ": " + certificate.get(), null);
            }
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SinkRuntime sink = openSink(config, dataDirectory, registry, mapper, clock);
        SinkStatus sinkStatus = new SinkStatus(sink.sink(), sink.metrics(), sink.deadLetters());
        List<StatusSource> statusSources = new ArrayList<>();
        statusSources.add(sinkStatus);

        WebhookInput webhook = new WebhookInput(config.webhook(), sink.sink(), registry, clock);
        started.push(new Stoppable("webhook", webhook));
        statusSources.add(webhook.status());

        // One client of the portal's REST API and one view of the clinic's rows and the ledger, for
        // the poller, reconcile, verify and trace alike.
        PostgrestClient client = config.poll().portalReadable()
                ? new PostgrestClient(config.poll().restUrl(), config.poll().apiKey(), config.poll().requestTimeout(), mapper) : null;
        PortalReader portalReader = client == null ? null : new PortalReader(client, config.poll().pageSize());
        LedgerKeys ledgerKeys = new LedgerKeys(sink.database().dataSource(), sink.database().dialect());
        ClinicRows clinicRows = new ClinicRows(sink.database().dataSource(), sink.database().dialect(), config.sqlServer().timeZone());

        poll = config.poll().enabled() ? pollInput(config, client, sink, dataDirectory, registry, mapper, clock) : null;
        if (poll != null) {
            statusSources.add(poll);
        } else {
            log.info("daemon: poll input disabled (poll.enabled=false)");
        }
        if (portalReader != null) {
            reconcile = new ReconcileService(new Reconciler(portalReader, ledgerKeys, sink.sink(),
                    new DeleteGuard(config.reconcile().maxDeletePercent()), clock), config.reconcile(), registry, clock);
            statusSources.add(reconcile);
        } else {
            log.warn("daemon: reconcile is off: it lists the portal's keys through PostgREST and needs supabase.url and"
                    + " supabase.service-role-key; deletes missed while the slot was gone then stay in SQL Server");
        }
        statusSources.add(new VerifyStatus(new LastVerifyStore(dataDirectory.root(), mapper)).register(registry));
        CatchUp catchUp = new CatchUp(poll, reconcile);
        CdcInput cdc = null;
        if (config.cdc().enabled()) {
            cdc = new CdcInput(config.cdc(), dataDirectory.root(), sink.sink(), sink.deadLetters(), catchUp::afterSlotAlarm);
            cdc.registerMetrics(registry);
            statusSources.add(cdc);
        } else {
            log.info("daemon: CDC input disabled (cdc.enabled=false)");
        }
        statusSources.add(0, freshness(cdc, poll, clock).registerMetrics(registry));
        statusSources.add(history(sink, cdc, clock));

        if (config.webhook().enabled()) {
            webhook.registerOn(publicHttp);
            OpsRoutes.registerBareReadyOn(publicHttp, sinkStatus);
            statusSources.add(new ListenerStatus(publicHttp, config.http().behindProxy()));
        } else {
            log.info("daemon: webhook input disabled (webhook.enabled=false): no public listener");
        }
        opsHttp = new HttpServer(config.http().ops(), clock);
        registerOpsRoutes(opsHttp, config, statusSources, sinkStatus, registry, webhook.authenticator().operator(), sink,
                portalReader, clinicRows, ledgerKeys, cdc, dataDirectory, mapper, clock);

        if (reconcile != null) {
            reconcile.start();
            started.push(new Stoppable("reconcile", reconcile));
        }
        if (cdc != null) {
            startCdc(cdc, catchUp, dataDirectory, mapper);
        }
        if (poll != null) {
            poll.start();
            started.push(new Stoppable("poll", poll::stop));
        }
        // Last, so that the engine's start (slot, publication, schema: about a second) runs on its own thread
        // while this one starts the HTTP listeners (the other 0.7 s of a start); /ready waits for CDC streaming anyway.
        // Should a port be taken, the inputs started above are stopped again, in reverse order.
        startListener(opsHttp, ConfigKeys.OPS_PORT);
        if (publicHttp != null) {
            startListener(publicHttp, ConfigKeys.PORT);
        }
        log.info("daemon: running (cdc {}, webhook {}, poll {})", config.cdc().enabled() ? "on" : "off",
                config.webhook().enabled() ? "on" : "off", poll != null ? "on" : "off");
    }

    /**
     * The sink with its decision journal and dead-letter retention, asked once whether SQL Server
     * takes writes: a missing ledger stops the start; an unreachable server does not (CDC pauses,
     * webhooks answer 503 and polls keep their cursor until it answers).
     */
    private SinkRuntime openSink(DaemonConfig config, DataDirectory dataDirectory, PrometheusMeterRegistry registry, ObjectMapper mapper,
                                 Clock clock) throws StartupException {
        DecisionListener decisions = config.trace().enabled()
                ? new DecisionJournal(dataDirectory.root(), mapper, clock, config.trace().retentionDays(), config.trace().maxBytesPerDay())
                : DecisionListener.NONE;
        SinkRuntime sink = SinkRuntime.open(config.sqlServer(), config.sink(), dataDirectory.root(), registry, mapper, clock, decisions);
        started.push(new Stoppable("sink", sink));
        config.data().deadLetterRetention().ifPresent(retention -> {
            DeadLetterRetention purge = new DeadLetterRetention(sink.deadLetters(), retention, clock);
            purge.start();
            started.push(new Stoppable("dead-letter retention", purge));
        });
        try {
            sink.sink().checkReady();
            log.info("daemon: sink ready ({}, {})", UrlSecrets.mask(config.sqlServer().jdbcUrl()),
                    sink.database().dialect().name().toLowerCase());
        } catch (LedgerMissingException e) {
            throw new StartupException(ExitCodes.SINK, e.getMessage(), e);
        } catch (SinkUnavailableException e) {
            log.warn("daemon: SQL Server is not reachable yet; inputs hold their positions until it is: {}", e.getMessage());
        }
        return sink;
    }

    private static PollInput pollInput(DaemonConfig config, PostgrestClient client, SinkRuntime sink, DataDirectory dataDirectory,
                                       PrometheusMeterRegistry registry, ObjectMapper mapper, Clock clock) throws StartupException {
        Poller poller;
        try {
            poller = Poller.open(config.poll(), client, sink.sink(), sink.deadLetters(), new PollStateStore(dataDirectory.root(), mapper), clock);
        } catch (StateFileException e) {
            throw new StartupException(ExitCodes.STATE, e.getMessage(), e);
        }
        PollInput input = new PollInput(poller, config.poll().interval(), clock);
        input.registerMetrics(registry);
        return input;
    }

    /** How far behind the portal SQL Server is, at most: from the inputs that see every change (CDC, the poller). */
    private static Freshness freshness(CdcInput cdc, PollInput poll, Clock clock) {
        List<Freshness.Input> complete = new ArrayList<>();
        if (cdc != null) {
            complete.add(new Freshness.Input("cdc", cdc::committedUpTo));
        }
        if (poll != null) {
            complete.add(new Freshness.Input("poll", poll::committedUpTo));
        }
        return new Freshness(complete, clock);
    }

    private StatusHistory history(SinkRuntime sink, CdcInput cdc, Clock clock) {
        StatusHistory history = new StatusHistory(input -> sink.metrics().count(input, Outcome.APPLIED),
                () -> cdc == null ? null : retainedWalBytes(cdc.statusSnapshot()), clock).start();
        started.push(new Stoppable("status history", history));
        return history;
    }

    private void startCdc(CdcInput cdc, CatchUp catchUp, DataDirectory dataDirectory, ObjectMapper mapper) throws StartupException {
        try {
            if (OffsetFile.inDataDir(dataDirectory.root(), mapper).read().isEmpty()) {
                catchUp.atStartWithoutOffsets();
            }
            cdc.start();
        } catch (CorruptStateFileException e) {
            throw new StartupException(ExitCodes.STATE, e.getMessage(), e);
        }
        started.push(new Stoppable("cdc", cdc::stop));
        watchForFailure("cdc", () -> cdc.state() == CdcState.FAILED, () -> String.valueOf(cdc.statusSnapshot().get("lastError")));
    }

    /** Checks a part every second; a part that failed for good stops the daemon through {@link #fail}. */
    private void watchForFailure(String part, BooleanSupplier failed, Supplier<String> reason) {
        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, part + "-watch");
            thread.setDaemon(true);
            return thread;
        });
        watch.scheduleWithFixedDelay(() -> {
            if (failed.getAsBoolean()) {
                fail(part, ExitCodes.INPUT_FAILED, reason.get());
            }
        }, 1, 1, TimeUnit.SECONDS);
        started.push(new Stoppable(part + " watch", watch::shutdownNow));
    }

    /** The slot's retained WAL as the CDC input last read it, null before the first slot check. */
    private static Long retainedWalBytes(java.util.Map<String, Object> cdcSnapshot) {
        return cdcSnapshot.get("slot") instanceof java.util.Map<?, ?> slot && slot.get("retainedWalBytes") instanceof Number n
                ? n.longValue() : null;
    }

    /**
     * The operator routes take the operator secret only: a webhook signature does not cover the path, so
     * a captured delivery must not be able to trigger a poll, a reconcile or a replay. Without that secret
     * they refuse everything, and the webhook input warns in the log and in status.
     */
    private void registerOpsRoutes(HttpServer ops, DaemonConfig config, List<StatusSource> statusSources, SinkStatus sinkStatus,
                                   PrometheusMeterRegistry registry, RequestAuthenticator operator, SinkRuntime sink,
                                   PortalReader portalReader, ClinicRows clinicRows, LedgerKeys ledgerKeys, CdcInput cdc,
                                   DataDirectory dataDirectory, ObjectMapper mapper, Clock clock) {
        if (!config.http().ops().loopback()) {
            log.warn("http: the ops listener binds {} (ops.bind-address): the console, the status summary and /metrics are served"
                    + " in clear text to that network; keep it on 127.0.0.1 and reach it through an SSH tunnel or a TLS proxy",
                    config.http().ops().bindAddress());
        }
        new OpsRoutes(new StatusReport(statusSources, sinkStatus, clock), sinkStatus, registry, operator).registerOn(ops);
        if (poll != null) {
            new PollTrigger(poll, operator).registerOn(ops);
        }
        // The console's replay button: the same replay as the CLI's.
        new DeadLetterReplayRoute(new DeadLetterReplay(sink.deadLetters(), sink.sink(), mapper), operator).registerOn(ops);
        if (reconcile != null) {
            new ReconcileTrigger(reconcile, operator).registerOn(ops);
        }
        if (portalReader != null) {
            PollInput pollInput = poll;
            // verify --repair inside the daemon: a drifted row is repaired through this sink without stopping the sync.
            new VerifyTrigger(new Verifier(portalReader, clinicRows, ledgerKeys, sink.sink(), new DeleteGuard(config.reconcile().maxDeletePercent()),
                    clock), new LastVerifyStore(dataDirectory.root(), mapper), operator).registerOn(ops);
            Tracer tracer = new Tracer(portalReader, clinicRows, ledgerKeys, dataDirectory.root(), mapper, clock);
            new TraceRoute(tracer, () -> new Trace.Delivery(
                    cdc == null ? null : cdc.committedUpTo().orElse(null),
                    pollInput == null ? null : pollInput.committedUpTo().orElse(null),
                    pollInput == null ? null : pollInput.nextRun().orElse(null)), operator).registerOn(ops);
        }
    }

    private void startListener(HttpServer server, ConfigKey port) throws StartupException {
        try {
            server.start();
        } catch (RuntimeException e) {
            throw new StartupException(ExitCodes.HTTP, "cannot start the " + server.config() + " (" + e.getMessage()
                    + "): is the port in use? set " + port.label(), e);
        }
        started.push(new Stoppable(server.config().name() + " listener", server::stop));
    }

    /** The public (webhook) listener's port (useful when configured as 0); -1 when the webhook is off. */
    public int webhookPort() {
        return publicHttp == null ? -1 : publicHttp.port();
    }

    /** The ops listener's port (console, status, metrics, operator routes). */
    public int opsPort() {
        return opsHttp.port();
    }

    /** A part failed for good: the daemon should stop with this exit code. */
    public void fail(String part, int exitCode, String reason) {
        if (exit.complete(exitCode)) {
            log.error("daemon: {} failed for good ({}); stopping every part, exit code {}", part, reason, exitCode);
        }
    }

    /** Asks for a clean stop with exit code 0 (SIGTERM, Ctrl-C). */
    public void requestStop() {
        exit.complete(0);
    }

    /** Blocks until a stop is requested or a part fails; returns the exit code. The caller then closes the daemon. */
    public int awaitExit() throws InterruptedException {
        try {
            return exit.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return ExitCodes.INPUT_FAILED;
        }
    }

    /** Stops every part, in reverse start order; safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!started.isEmpty()) {
            Stoppable part = started.pop();
            try {
                part.action().close();
            } catch (Exception e) {
                log.warn("daemon: stopping {} failed: {}", part.name(), e.toString());
            }
        }
        log.info("daemon: stopped");
    }
}
