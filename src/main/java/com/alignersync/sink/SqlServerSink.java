package com.alignersync.sink;

import com.alignersync.config.SinkConfig;
import com.alignersync.event.ChangeEvent;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one sink all three inputs feed. {@link #apply} takes a batch of change events and, in
 * one SQL Server transaction, lets the ledger decide each key ({@link DedupRules}: dedup and the
 * two-way rules), writes what a doctor changed through {@link TargetWriter}, and records it in
 * the ledger. Only after the commit does it return; callers advance offsets, cursors or answer
 * 2xx only then.
 *
 * <p>This class only coordinates; each job has its own class:
 * <ul>
 * <li>{@link KeyDecisions}: the decision for each key, the one {@link #apply} and {@link #preview} share;</li>
 * <li>{@link BatchWriter}: one transaction's work for a set of keys (ledger, clinic rows, breaker);</li>
 * <li>{@link Transactions}: <b>a transaction that met an error is never continued</b> (SQL Server may
 *     already have rolled it back); every error rolls the whole attempt back, the commit is
 *     preceded by an {@code XACT_STATE()} check, and an error on a connection that no longer
 *     answers is a connection loss;</li>
 * <li>{@link Isolation} with {@link Failures}: <b>an outage is never a refusal</b> (connection loss,
 *     deadlocks and timeouts retry the batch with capped backoff; when they persist the caller
 *     learns that nothing of the batch is pending and keeps its position). <b>A row SQL Server
 *     refuses</b> (a constraint at once; a clinic trigger's error after
 *     {@code sink.isolate-after-failures} identical refusals) makes the sink apply the batch key
 *     by key; a refused key is parked only on evidence ({@link RefusalEvidence}). <b>Misconfiguration</b>
 *     (login, permission, missing table) parks nothing: writes stop, {@link #health()} carries the
 *     fix for status and {@code /ready}, inputs hold positions;</li>
 * <li>{@link Readiness}: {@link #checkReady()}.</li>
 * </ul>
 * Each failure rule has a test in {@code SinkUnderSqlServerFailuresTest} or {@code RefusalEvidenceSinkTest}.
 * A key written too often in a short time is stopped by the {@link PingPongBreaker}.
 */
public final class SqlServerSink implements Sink {

    private static final Logger log = LoggerFactory.getLogger(SqlServerSink.class);

    private final Transactions transactions;
    private final Ledger ledger;
    private final Isolation isolation;
    private final Readiness readiness;
    private final DeadLetterLog deadLetters;
    private final SinkMetrics metrics;
    private final SinkHealth health;
    private final Clock clock;
    private final PingPongBreaker breaker;
    private final DecisionListener decisions;

    public SqlServerSink(DataSource dataSource, SqlDialect dialect, SinkConfig config, ZoneId clinicZone,
                         DeadLetterLog deadLetters, SinkMetrics metrics, Clock clock) {
        this(dataSource, dialect, config, clinicZone, deadLetters, metrics, clock, DecisionListener.NONE);
    }

    /** @param decisions told of every decision after it committed (the per-edit trace) */
    public SqlServerSink(DataSource dataSource, SqlDialect dialect, SinkConfig config, ZoneId clinicZone,
                         DeadLetterLog deadLetters, SinkMetrics metrics, Clock clock, DecisionListener decisions) {
        Statements statements = new Statements(config.statementTimeout());
        this.decisions = decisions;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.health = new SinkHealth(clock);
        this.clock = clock;
        this.transactions = new Transactions(dataSource, dialect, statements, config.statementTimeout());
        this.ledger = new Ledger(dialect, statements);
        this.breaker = new PingPongBreaker(config.pingPongMaxWrites(), config.pingPongWindow(), clock);
        RefusalEvidence evidence = new RefusalEvidence(clock, config.refusalWindow(), Isolation.SYSTEMIC_REFUSAL_KEYS);
        TargetWriter writer = new TargetWriter(dialect, statements, new ClinicDatetime(clinicZone), config.notesDeleteMode());
        this.isolation = new Isolation(new BatchWriter(transactions, ledger, writer, evidence, breaker, metrics, clock), evidence, health,
                config);
        this.readiness = new Readiness(dataSource, statements, health, clock);
    }

    /** What the last attempts said about SQL Server (lock waits, misconfiguration), for status and readiness. */
    @Override
    public SinkHealth health() {
        return health;
    }

    /** Checks that SQL Server answers and the ledger exists; the message names the fix. */
    @Override
    public void checkReady() throws SinkUnavailableException {
        readiness.check();
    }

    /**
     * Applies a batch and returns what happened to each event. Every event reported APPLIED or
     * UNCHANGED is in SQL Server with its ledger entry, committed.
     *
     * @throws SinkUnavailableException the batch is not done: the caller must not advance (keys
     *                                  committed before the failure are recorded in the ledger, so
     *                                  delivering the batch again is safe)
     */
    @Override
    public BatchResult apply(List<ChangeEvent> events) throws SinkUnavailableException {
        if (events.isEmpty()) {
            return new BatchResult(List.of(), 0);
        }
        long started = System.nanoTime();
        KeyDecisions.Plan plan = KeyDecisions.plan(events);
        BatchResult result;
        if (plan.groups().isEmpty()) {
            result = new BatchResult(Arrays.asList(plan.ignored()), 0); // nothing for SQL Server, nothing learnt about it
        } else {
            try {
                result = isolation.apply(events, plan);
            } catch (SinkUnavailableException e) {
                metrics.recordFailedBatch();
                tell(() -> decisions.notCommitted(events, SqlErrors.withoutServerText(e.getMessage()), clock.instant()));
                throw e;
            }
            health.committed(plan.inputs());
        }
        List<EventOutcome> parked = result.outcomes().stream().filter(o -> o.outcome() == Outcome.DEAD_LETTER).toList();
        for (EventOutcome o : parked) {
            log.warn("sink: dead letter {} from {}: {}", o.event().describe(), o.event().input(), SqlErrors.withoutServerText(o.detail()));
        }
        try {
            deadLetters.park(parked);
        } catch (UncheckedIOException e) {
            // The batch committed without recording these in the ledger, so a redelivery meets
            // the same refusal and parks them then: report the batch as not done.
            metrics.recordFailedBatch();
            throw new SinkUnavailableException("the batch committed but " + parked.size() + " refused change(s) could not be"
                    + " parked (" + e.getMessage() + "); deliver the batch again", e);
        }
        metrics.recordCommitted(result, Duration.ofNanos(System.nanoTime() - started));
        BatchResult decided = result;
        tell(() -> decisions.committed(decided.outcomes(), clock.instant()));
        return result;
    }

    /** The journal may fail (a full disk): the decision stands, the trace loses a line, the log says so. */
    private static void tell(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            log.warn("sink: the decision journal could not record a batch ({}); the batch itself is done", e.toString());
        }
    }

    /** The keys the ping-pong breaker has stopped, for status and the alarm. */
    public List<String> stoppedByBreaker() {
        return breaker.stopped().stream().map(SinkKey::toString).toList();
    }

    /** An operator replays these events' dead letters: the breaker lets their keys be written again. */
    public void releaseBreaker(List<ChangeEvent> events) {
        breaker.release(events.stream().map(e -> new SinkKey(e.table(), e.key())).toList());
    }

    /**
     * What {@link #apply} would decide for these events against the ledger, without writing
     * (the poller's dry run): the same decision ({@link KeyDecisions}), short of what only the
     * clinic's rows tell (a value already there: UNCHANGED; a key conflict or an unknown batch:
     * DEAD_LETTER), so APPLIED here means "newer than anything applied, with something a doctor
     * changed".
     */
    @Override
    public List<Outcome> preview(List<ChangeEvent> events) throws SinkUnavailableException {
        KeyDecisions.Plan plan = KeyDecisions.plan(events);
        Map<SinkKey, LedgerEntry> entries;
        try {
            entries = transactions.readOnly(connection -> ledger.lock(connection, plan.groups().keySet()));
        } catch (SQLException e) {
            throw new SinkUnavailableException("cannot read the ledger: " + SqlErrors.describe(e), e);
        }
        return KeyDecisions.preview(events, plan, entries);
    }
}
