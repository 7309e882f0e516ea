package com.alignersync.source.cdc;

import com.alignersync.config.CdcConfig;
import com.alignersync.status.StatusSource;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.Sink;
import com.alignersync.state.CorruptStateFileException;
import com.alignersync.state.OffsetFile;
import com.alignersync.state.StoredOffsets;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CDC input: runs the embedded Debezium engine under a supervisor that restarts it with
 * capped exponential backoff whenever it stops (Postgres unreachable, connection dropped), so a
 * Postgres fault never ends the daemon; checks the replication slot at every (re)start and
 * periodically, raising an alarm and asking for a poll catch-up when the slot is lost or
 * missing while offsets exist. A corrupt {@code data/offsets.json} refuses the start.
 */
public final class CdcInput implements StatusSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CdcInput.class);

    private final CdcConfig config;
    private final OffsetFile offsetFile;
    private final SlotWatch slotWatch;
    private final StartPosition startPosition;
    private final CdcStatus status;
    private final StopSignal stop = new StopSignal();
    private final CdcBatchHandler handler;
    private final SlotReader catalogue;
    private final AtomicBoolean started = new AtomicBoolean();
    private Thread supervisor;
    private ScheduledExecutorService slotChecks;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> current;

    /**
     * @param catchUpRequest asks the poller for a catch-up from its cursor; called once per slot alarm
     */
    public CdcInput(CdcConfig config, Path dataDir, Sink sink, DeadLetterLog deadLetters,
                    Runnable catchUpRequest, Clock clock, CommitHook hook) {
        this(config, dataDir, sink, deadLetters, catchUpRequest, clock, hook, new SlotMonitor(config.db(), config.slotName(), clock));
    }

    CdcInput(CdcConfig config, Path dataDir, Sink sink, DeadLetterLog deadLetters,
             Runnable catchUpRequest, Clock clock, CommitHook hook, SlotReader slotReader) {
        ObjectMapper json = new ObjectMapper();
        this.config = config;
        this.offsetFile = OffsetFile.inDataDir(dataDir, json);
        this.status = new CdcStatus(clock);
        this.slotWatch = new SlotWatch(slotReader, config.slotName(), offsetFile.path(), status, catchUpRequest);
        this.catalogue = slotReader;
        this.startPosition = new StartPosition(offsetFile, clock);
        this.handler = new CdcBatchHandler(new CdcRecordMapper(json), sink, deadLetters, status, stop,
                config.restartBackoff(), hook);
    }

    public CdcInput(CdcConfig config, Path dataDir, Sink sink, DeadLetterLog deadLetters, Runnable catchUpRequest) {
        this(config, dataDir, sink, deadLetters, catchUpRequest, Clock.systemUTC(), CommitHook.NONE);
    }

    /**
     * Starts the engine in the background and returns.
     *
     * @throws CorruptStateFileException when {@code data/offsets.json} exists but cannot be read; nothing was started
     */
    public void start() {
        if (!config.enabled()) {
            throw new IllegalStateException("the CDC input is disabled (cdc.enabled=false)");
        }
        StoredOffsets stored = offsetFile.read();
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("the CDC input was already started");
        }
        log.info("cdc: starting; slot {}, publication {}, {}:{}/{} as {}, offsets {} ({})", config.slotName(), config.publicationName(),
                config.db().host(), config.db().port(), config.db().database(), config.db().user(), offsetFile.path(),
                stored.lsn().map(lsn -> "LSN " + StoredOffsets.lsnText(lsn)).orElse("none yet"));
        status.state(CdcState.STARTING, null);
        supervisor = new Thread(this::supervise, "cdc-supervisor");
        supervisor.start();
        slotChecks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-slot-check");
            t.setDaemon(true);
            return t;
        });
        long every = config.slotCheckInterval().toMillis();
        slotChecks.scheduleWithFixedDelay(this::periodicSlotCheck, every, every, TimeUnit.MILLISECONDS);
    }

    /** Stops cleanly: the in-flight batch commits and its offsets are flushed (a batch waiting for SQL Server is left uncommitted). */
    public void stop() {
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
        synchronized (this) {
            stop.raise();
            engine = current;
        }
        if (slotChecks != null) {
            slotChecks.shutdownNow();
        }
        if (engine != null) {
            closeQuietly(engine);
        }
        if (supervisor != null) {
            try {
                supervisor.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (status.state() != CdcState.FAILED) {
            status.state(CdcState.STOPPED, null);
        }
        log.info("cdc: stopped");
    }

    @Override
    public void close() {
        stop();
    }

    /** Exports the CDC state and the slot's health as {@code aligner_sync_cdc_*} gauges on the daemon's registry. */
    public void registerMetrics(MeterRegistry registry) {
        status.registerMetrics(registry);
    }

    public CdcState state() {
        return status.state();
    }

    public long eventsCommitted() {
        return status.eventsCommitted();
    }

    /** Every portal change committed before this instant is in SQL Server, as far as this input knows (freshness); empty before the first batch. */
    public java.util.Optional<java.time.Instant> committedUpTo() {
        return java.util.Optional.ofNullable(status.committedUpTo());
    }

    @Override
    public String statusName() {
        return "cdc";
    }

    @Override
    public Map<String, Object> statusSnapshot() {
        Map<String, Object> map = status.snapshot();
        map.put("offsetsFile", offsetFile.path().toString());
        try {
            map.put("storedLsn", offsetFile.read().lsn().map(StoredOffsets::lsnText).orElse(null));
        } catch (CorruptStateFileException e) {
            map.put("storedLsn", null);
            map.put("offsetsError", e.getMessage());
        }
        return map;
    }

    private void supervise() {
        int failures = 0;
        while (!stop.raised()) {
            StoredOffsets stored;
            try {
                stored = offsetFile.read();
            } catch (CorruptStateFileException e) {
                log.error("cdc: not starting the engine: {}", e.getMessage());
                status.state(CdcState.FAILED, e.getMessage());
                return;
            }
            String legacy = legacyPortal();
            if (legacy != null) {
                log.error("cdc: not starting the engine: {}", legacy);
                status.state(CdcState.FAILED, legacy);
                return;
            }
            try {
                startPosition.reconcile(stored, checkSlot(!stored.isEmpty()));
            } catch (IOException e) {
                log.error("cdc: cannot prepare {}: {}", offsetFile.path(), e.getMessage());
                status.state(CdcState.FAILED, e.getMessage());
                return;
            }
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicReference<String> failureMessage = new AtomicReference<>();
            AtomicBoolean streamed = new AtomicBoolean();
            DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = build(config, failure, failureMessage, streamed);
            synchronized (this) {
                if (stop.raised()) {
                    closeQuietly(engine);
                    break;
                }
                current = engine;
            }
            status.state(CdcState.STARTING, null);
            try {
                engine.run();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            } finally {
                synchronized (this) {
                    current = null;
                }
                closeQuietly(engine);
            }
            if (stop.raised()) {
                break;
            }
            failures = streamed.get() ? 1 : failures + 1;
            Duration delay = config.restartBackoff().delay(failures);
            String reason = describe(failure.get(), failureMessage.get());
            status.state(CdcState.RESTARTING, reason);
            status.restarted();
            log.warn("cdc: engine stopped ({}); restarting in {} ms (failure {} in a row)", reason, delay.toMillis(), failures);
            try {
                if (stop.await(delay)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    private DebeziumEngine<RecordChangeEvent<SourceRecord>> build(CdcConfig config, AtomicReference<Throwable> failure,
                                                                  AtomicReference<String> failureMessage, AtomicBoolean streamed) {
        Properties properties = DebeziumProperties.of(config, offsetFile.path());
        return DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties)
                .using((success, message, error) -> {
                    if (!success || error != null) {
                        failure.compareAndSet(null, error);
                        failureMessage.compareAndSet(null, message);
                    }
                })
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void pollingStarted() {
                        streamed.set(true);
                        status.state(CdcState.STREAMING, null);
                        log.info("cdc: streaming from slot {}", config.slotName());
                    }
                })
                .notifying(handler)
                .build();
    }

    /**
     * CDC refuses a portal in the legacy "no updated_at" mode: its note versions would be
     * coalesce(edited_at, created_at), so a second read-flag change carries the same version as
     * the first and only a tie-break could order them. Null when the portal is set up (or
     * cannot be asked now: the engine's own connection then reports why).
     */
    private String legacyPortal() {
        try {
            return catalogue.notesHaveUpdatedAt() ? null : "aligner_notes has no updated_at column (the legacy cursor mode):"
                    + " CDC needs it as the version every input agrees on. Run connector-config/supabase-setup.sql on the portal"
                    + " database, or set cdc.enabled=false to keep only the poller and webhooks";
        } catch (SQLException e) {
            log.warn("cdc: cannot check aligner_notes for updated_at: {}", e.getMessage());
            return null;
        }
    }

    private void periodicSlotCheck() {
        boolean offsetsExist;
        try {
            offsetsExist = !offsetFile.read().isEmpty();
        } catch (CorruptStateFileException e) {
            offsetsExist = true;
        }
        checkSlot(offsetsExist);
    }

    /** Reads the slot now, raising the alarm when it is lost or missing while a position is stored. */
    SlotHealth checkSlot(boolean positionStored) {
        return slotWatch.check(positionStored);
    }

    private static String describe(Throwable error, String message) {
        Throwable root = error;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null) {
            return root.getClass().getSimpleName() + ": " + root.getMessage();
        }
        return message == null ? "no reason given" : message;
    }

    private static void closeQuietly(DebeziumEngine<?> engine) {
        try {
            engine.close();
        } catch (IOException | RuntimeException e) {
            log.debug("cdc: closing the engine: {}", e.getMessage());
        }
    }
}
