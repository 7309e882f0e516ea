package com.alignersync.sink;

import com.alignersync.config.SinkConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.FieldStamp;
import com.alignersync.event.Input;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.DedupRules.Verdict;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.ResultSet;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.EnumSet;
import java.util.Set;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>How it meets SQL Server's failures (each rule has a test in {@code SinkUnderSqlServerFailuresTest}
 * or {@code RefusalEvidenceSinkTest}):
 * <ul>
 * <li><b>A transaction that met an error is never continued.</b> SQL Server may already have
 *     rolled it back (a trigger error under {@code XACT_ABORT}); a savepoint rollback and the
 *     commit would then silently do nothing while later statements commit on their own. Every
 *     error rolls the whole attempt back; nothing is reported until a commit succeeded, and the
 *     commit itself is preceded by an {@code XACT_STATE()} check.</li>
 * <li><b>An outage is never a refusal.</b> Connection loss (any driver's, or any error on a
 *     connection that no longer answers), deadlocks and timeouts retry the batch with capped
 *     backoff; when they persist the caller learns that nothing of the batch is pending and keeps
 *     its position. Nothing is parked.</li>
 * <li><b>A row SQL Server refuses</b> (a constraint at once; a clinic trigger's error after
 *     {@code sink.isolate-after-failures} identical refusals) makes the sink apply the batch key
 *     by key, each in its own transaction. A refused key is parked only on evidence
 *     ({@link RefusalEvidence}): other keys commit meanwhile. Keys all refused the same way stop
 *     writes as systemic; without evidence either way the batch is held.</li>
 * <li><b>Misconfiguration</b> (login, permission, missing table) parks nothing: writes stop,
 *     {@link #health()} carries the fix for status and {@code /ready}, inputs hold positions.</li>
 * </ul>
 * A key written too often in a short time is stopped by the {@link PingPongBreaker}.
 */
public final class SqlServerSink implements Sink {

    private static final Logger log = LoggerFactory.getLogger(SqlServerSink.class);

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final SinkConfig config;
    private final Statements statements;
    private final TargetWriter writer;
    private final Ledger ledger;
    private final DeadLetterLog deadLetters;
    private final SinkMetrics metrics;
    private final SinkHealth health;
    private final Clock clock;
    private final ReentrantLock singleWriter;
    private final RefusalEvidence evidence;
    private final PingPongBreaker breaker;
    private final DecisionListener decisions;

    public SqlServerSink(DataSource dataSource, SqlDialect dialect, SinkConfig config, ZoneId clinicZone,
                         DeadLetterLog deadLetters, SinkMetrics metrics, Clock clock) {
        this(dataSource, dialect, config, clinicZone, deadLetters, metrics, clock, DecisionListener.NONE);
    }

    /** @param decisions told of every decision after it committed (the per-edit trace) */
    public SqlServerSink(DataSource dataSource, SqlDialect dialect, SinkConfig config, ZoneId clinicZone,
                         DeadLetterLog deadLetters, SinkMetrics metrics, Clock clock, DecisionListener decisions) {
        this.decisions = decisions;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.config = config;
        this.statements = new Statements(config.statementTimeout());
        this.writer = new TargetWriter(dialect, statements, new ClinicDatetime(clinicZone), config.notesDeleteMode());
        this.ledger = new Ledger(dialect, statements);
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.health = new SinkHealth(clock);
        this.clock = clock;
        this.singleWriter = dialect.needsSingleWriter() ? new ReentrantLock(true) : null;
        this.evidence = new RefusalEvidence(clock, config.refusalWindow(), SYSTEMIC_REFUSAL_KEYS);
        this.breaker = new PingPongBreaker(config.pingPongMaxWrites(), config.pingPongWindow(), clock);
    }

    /** What the last attempts said about SQL Server (lock waits, misconfiguration), for status and readiness. */
    @Override
    public SinkHealth health() {
        return health;
    }

    /** Checks that SQL Server answers and the ledger exists; the message names the fix. */
    @Override
    public void checkReady() throws SinkUnavailableException {
        SinkHealth.Snapshot last = health.snapshot();
        if (last.state() == SinkHealth.State.MISCONFIGURED) {
            // The probes below only read; the write that was refused says more.
            throw new SinkMisconfiguredException(last.warning(clock.instant()), null);
        }
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement probe = statements.prepare(connection, LedgerSql.PROBE)) {
                probe.executeQuery().close();
            }
            for (String table : List.of(ClinicSql.NOTES, ClinicSql.BATCHES)) {
                try (PreparedStatement probe = statements.prepare(connection, ClinicSql.tableProbe(table))) {
                    probe.executeQuery().close();
                } catch (SQLException e) {
                    throw new SinkUnavailableException("the clinic table " + table + " cannot be read (" + SqlErrors.describe(e)
                            + "): check sqlserver.jdbc-url points at the clinic database and the login may read it", e);
                }
            }
            connection.rollback();
        } catch (SQLException e) {
            // A missing column: a ledger from an older release, without the columns init adds now.
            if (SqlErrors.isMissingTableOrColumn(e)) {
                throw new LedgerMissingException("the ledger table " + LedgerSql.TABLE + " does not exist or predates this release: run"
                        + " 'java -jar target/aligner-sync.jar init' (or 'init --print' for a DBA to run)", e);
            }
            if (SqlErrors.fix(e) != null) {
                throw new SinkMisconfiguredException("SQL Server refuses the daemon (" + SqlErrors.describe(e) + "); fix: " + SqlErrors.fix(e), e);
            }
            throw new SinkUnavailableException("SQL Server is not reachable: " + SqlErrors.describe(e), e);
        }
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
        Plan plan = plan(events);
        BatchResult result;
        if (plan.groups().isEmpty()) {
            result = new BatchResult(Arrays.asList(plan.ignored()), 0); // nothing for SQL Server, nothing learnt about it
        } else {
            try {
                result = applyPlan(events, plan);
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

    /** The whole batch in one transaction; on SQL Server's refusal, key by key (see the class comment). */
    private BatchResult applyPlan(List<ChangeEvent> events, Plan plan) throws SinkUnavailableException {
        Failures failures = new Failures(plan.inputs());
        while (true) {
            EventOutcome[] outcomes = Arrays.copyOf(plan.ignored(), events.size());
            try {
                int conflicts = commit(events, plan.groups(), outcomes);
                return new BatchResult(Arrays.asList(outcomes), conflicts);
            } catch (SQLException e) {
                SqlErrors.Kind kind = failures.record(e, "a batch of " + plan.groups().size() + " keys");
                // Refusals that keep changing their number get the same end, a little later.
                if (kind == SqlErrors.Kind.EVENT || (kind == SqlErrors.Kind.REFUSED && (failures.sameRefusals() >= config.isolateAfterFailures()
                        || failures.refusals() >= 2 * config.isolateAfterFailures()))) {
                    log.warn("sink: SQL Server refused a batch of {} keys ({}); applying it key by key, each in its own transaction,"
                            + " to learn which keys it refuses", plan.groups().size(), SqlErrors.describe(e));
                    return isolate(events, plan);
                }
                failures.backoff();
            }
        }
    }

    /** One transaction for these keys; after the commit, the evidence and the breaker learn which keys were written. */
    private int commit(List<ChangeEvent> events, Map<SinkKey, List<Integer>> groups, EventOutcome[] outcomes) throws SQLException {
        Applied applied = inTransaction(connection -> applyKeys(connection, events, groups, outcomes));
        evidence.committed(applied.written().keySet());
        applied.written().forEach(breaker::written);
        return applied.conflicts();
    }

    /**
     * Each key in its own transaction, to tell a bad row from a systemic refusal by evidence
     * ({@link RefusalEvidence}): a key refused while other keys commit is parked; keys all refused
     * the same way with none committing stop writes; a refused key without evidence either way
     * is held (the batch is not done, the input delivers it again).
     */
    private BatchResult isolate(List<ChangeEvent> events, Plan plan) throws SinkUnavailableException {
        EventOutcome[] outcomes = Arrays.copyOf(plan.ignored(), events.size());
        int conflicts = 0;
        Map<SinkKey, SQLException> held = new LinkedHashMap<>();
        int parkedKeys = 0;
        for (Map.Entry<SinkKey, List<Integer>> group : plan.groups().entrySet()) {
            Failures failures = new Failures(plan.inputs());
            while (true) {
                try {
                    conflicts += commit(events, Map.of(group.getKey(), group.getValue()), outcomes);
                    break;
                } catch (SQLException e) {
                    SqlErrors.Kind kind = failures.record(e, group.getKey().toString());
                    if (kind == SqlErrors.Kind.EVENT || kind == SqlErrors.Kind.REFUSED) {
                        switch (evidence.refused(group.getKey(), e)) {
                            case PARK -> {
                                park(events, group.getValue(), e, outcomes);
                                parkedKeys++;
                            }
                            case SYSTEMIC -> throw systemicRefusal(e, plan.inputs());
                            case HOLD -> held.put(group.getKey(), e);
                        }
                        break;
                    }
                    failures.backoff();
                }
            }
        }
        SQLException stillRefused = null;
        for (Map.Entry<SinkKey, SQLException> key : held.entrySet()) {
            if (evidence.recheck(key.getKey()) == RefusalEvidence.Verdict.PARK) {
                park(events, plan.groups().get(key.getKey()), key.getValue(), outcomes);
                parkedKeys++;
            } else {
                stillRefused = key.getValue();
            }
        }
        if (stillRefused != null) {
            String detail = "SQL Server refuses " + held.size() + " key(s) of the batch (" + SqlErrors.Signature.of(stillRefused)
                    + ") and no other key has committed since: held, not parked, until other keys commit"
                    + " (then it is a bad row, parked) or " + SYSTEMIC_REFUSAL_KEYS + " keys are refused the same way (then writes stop)";
            health.held(plan.inputs(), detail);
            log.warn("sink: {}", detail);
            throw new SinkUnavailableException(detail, stillRefused);
        }
        log.info("sink: key by key: {} keys committed, {} parked", plan.groups().size() - parkedKeys, parkedKeys);
        return new BatchResult(Arrays.asList(outcomes), conflicts);
    }

    private static void park(List<ChangeEvent> events, List<Integer> indexes, SQLException e, EventOutcome[] outcomes) {
        String reason = SqlErrors.refusedWrite(e);
        for (int index : indexes) {
            Outcome planned = outcomes[index] == null ? null : outcomes[index].outcome();
            if (planned == null || planned == Outcome.APPLIED || planned == Outcome.UNCHANGED) {
                outcomes[index] = new EventOutcome(events.get(index), Outcome.DEAD_LETTER, reason);
            }
        }
    }

    /**
     * Distinct keys that SQL Server refuses the same way, none committing meanwhile, before the
     * sink calls it systemic: a column added NOT NULL without default, a clinic trigger broken
     * for every row. Parking them would empty the stream into dead letters.
     */
    static final int SYSTEMIC_REFUSAL_KEYS = 5;

    private SinkMisconfiguredException systemicRefusal(SQLException e, Set<Input> inputs) {
        // The number only: SQL Server's text may quote a row's value, and health is shown unauthenticated.
        String detail = "SQL Server refuses every row the same way (" + SqlErrors.Signature.of(e) + ")";
        String fix = "this is no bad row: the clinic's tables or triggers changed, or a right is missing. Fix it in SQL Server;"
                + " nothing was parked and the inputs hold their positions, so the changes land by themselves once it is fixed";
        health.misconfigured(inputs, detail, fix);
        log.error("sink: writes stopped: {}. Fix: {}", detail, fix);
        return new SinkMisconfiguredException(detail + "; fix: " + fix, e);
    }

    /**
     * The failures of one batch (or one key): retries transient ones with backoff up to
     * {@code sink.retry.max-attempts}, counts identical refusals, and turns misconfiguration or
     * exhausted retries into {@link SinkUnavailableException}.
     */
    private final class Failures {
        private final Set<Input> inputs;
        private int transientFailures;
        private int sameRefusals;
        private int refusals;
        private int attempts;
        private SqlErrors.Signature lastRefusal;

        Failures(Set<Input> inputs) {
            this.inputs = inputs;
        }

        SqlErrors.Kind record(SQLException e, String what) throws SinkUnavailableException {
            SqlErrors.Kind kind = SqlErrors.classify(e);
            health.failed(inputs, kind, e);
            attempts++;
            switch (kind) {
                case MISCONFIGURED -> {
                    log.error("sink: writes stopped, SQL Server refuses the daemon itself ({}). Fix: {}", SqlErrors.describe(e), SqlErrors.fix(e));
                    throw new SinkMisconfiguredException("SQL Server refuses the daemon itself (" + SqlErrors.describe(e) + "); fix: "
                            + SqlErrors.fix(e), e);
                }
                case TRANSIENT -> {
                    transientFailures++;
                    if (transientFailures >= config.retryMaxAttempts()) {
                        throw new SinkUnavailableException("SQL Server failed " + transientFailures + " times in a row on " + what
                                + ", last: " + SqlErrors.describe(e), e);
                    }
                    log.warn("sink: transient SQL error on {}, retry {} of {}: {}", what, transientFailures, config.retryMaxAttempts() - 1,
                            SqlErrors.describe(e));
                }
                case REFUSED -> {
                    boolean same = SqlErrors.Signature.of(e).equals(lastRefusal);
                    sameRefusals = same ? sameRefusals + 1 : 1;
                    refusals++;
                    lastRefusal = SqlErrors.Signature.of(e);
                    log.warn("sink: SQL Server refused {} ({} time(s) the same way): {}", what, sameRefusals, SqlErrors.describe(e));
                }
                case EVENT -> {
                }
            }
            return kind;
        }

        int sameRefusals() {
            return sameRefusals;
        }

        int refusals() {
            return refusals;
        }

        void backoff() throws SinkUnavailableException {
            try {
                Thread.sleep(config.retryBackoff().delay(attempts).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SinkUnavailableException("sink interrupted while retrying; nothing of the batch is pending", e);
            }
        }
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * One transaction: the work, the liveness check, the commit. Any failure rolls the whole
     * transaction back and is rethrown: a transaction that met an error is never continued.
     */
    private <T> T inTransaction(Work<T> work) throws SQLException {
        lockSingleWriter();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                ensureCommittable(connection);
                connection.commit();
                return result;
            } catch (SQLException e) {
                rollbackQuietly(connection);
                throw connectionLost(connection, e);
            } catch (RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } finally {
            if (singleWriter != null) {
                singleWriter.unlock();
            }
        }
    }

    /**
     * The fact behind "is this an outage?": whatever number the driver gave the error, a
     * connection that no longer answers means SQL Server (or the way to it) went away, and says
     * nothing about the row. Such an error is rethrown as a connection loss (SQLState 08S01, the
     * class every driver uses for it), so it is retried and never parks a row.
     */
    private static SQLException connectionLost(Connection connection, SQLException e) {
        if (SqlErrors.classify(e) == SqlErrors.Kind.TRANSIENT || SqlErrors.classify(e) == SqlErrors.Kind.MISCONFIGURED) {
            return e;
        }
        boolean alive;
        try {
            alive = !connection.isClosed() && connection.isValid(CONNECTION_CHECK_SECONDS);
        } catch (SQLException | RuntimeException check) {
            alive = false;
        }
        return alive ? e : new SQLRecoverableException("the connection to SQL Server was lost (" + SqlErrors.describe(e) + ")",
                SqlErrors.CONNECTION_LOST_STATE, e.getErrorCode(), e);
    }

    private static final int CONNECTION_CHECK_SECONDS = 2;

    /** H2 ignores lock hints, so its writers queue here; bounded like any other lock wait. */
    private void lockSingleWriter() throws SQLException {
        if (singleWriter == null) {
            return;
        }
        try {
            if (!singleWriter.tryLock(config.statementTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SQLTimeoutException("another sink transaction held the writer lock for " + config.statementTimeout().toSeconds()
                        + " s", "HYT00");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientException("interrupted while waiting for the writer lock", e);
        }
    }

    private void ensureCommittable(Connection connection) throws SQLException {
        try (PreparedStatement probe = statements.prepare(connection, dialect.transactionStateProbe()); ResultSet rs = probe.executeQuery()) {
            int state = rs.next() ? rs.getInt(1) : 0;
            if (state != 1) {
                throw new SQLException("SQL Server ended the transaction before the commit (XACT_STATE() = " + state + "): nothing of it"
                        + " is committed", "25000", DOOMED_TRANSACTION);
            }
        }
    }

    /** SQL Server's "The current transaction cannot be committed" (3930): how a transaction found dead before commit is classified. */
    static final int DOOMED_TRANSACTION = 3930;

    /**
     * What {@link #apply} would decide for these events against the ledger, without writing
     * (the poller's dry run). It cannot foresee what only the clinic's rows tell (a value
     * already there: UNCHANGED; a key conflict or an unknown batch: DEAD_LETTER), so APPLIED
     * here means "newer than anything applied, with something a doctor changed".
     */
    @Override
    public List<Outcome> preview(List<ChangeEvent> events) throws SinkUnavailableException {
        Outcome[] verdicts = new Outcome[events.size()];
        Plan plan = plan(events);
        for (int i = 0; i < events.size(); i++) {
            if (plan.ignored()[i] != null) {
                verdicts[i] = Outcome.IGNORED;
            }
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Map<SinkKey, LedgerEntry> applied = lockLedger(connection, plan.groups().keySet());
                for (Map.Entry<SinkKey, List<Integer>> group : plan.groups().entrySet()) {
                    for (int index : group.getValue()) {
                        ChangeEvent event = events.get(index);
                        LedgerEntry entry = applied.get(group.getKey());
                        verdicts[index] = switch (DedupRules.decide(entry, incoming(event, versionOf(event, entry))).verdict()) {
                            case APPLY, APPLY_CONFLICT_WINNER -> Outcome.APPLIED;
                            case DUPLICATE -> Outcome.DUPLICATE;
                            case STALE -> Outcome.STALE;
                            case CONFLICT_LOSER -> Outcome.CONFLICT;
                            case SAME_CONTENT, CLINIC_ORIGIN -> Outcome.UNCHANGED;
                        };
                    }
                }
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new SinkUnavailableException("cannot read the ledger: " + SqlErrors.describe(e), e);
        }
        return Arrays.asList(verdicts);
    }

    /**
     * Events grouped by key, keys in one global order so that concurrent transactions lock alike.
     *
     * @param inputs the inputs the batch came from (one, except for a dead-letter replay): whose health it tells
     */
    private record Plan(EventOutcome[] ignored, Map<SinkKey, List<Integer>> groups, Set<Input> inputs) {
    }

    private static Plan plan(List<ChangeEvent> events) {
        EventOutcome[] ignored = new EventOutcome[events.size()];
        Map<SinkKey, List<Integer>> groups = new TreeMap<>(SinkKey.ORDER);
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent event = events.get(i);
            String reason = TargetWriter.ignoredReason(event);
            if (reason != null) {
                ignored[i] = new EventOutcome(event, Outcome.IGNORED, reason);
            } else {
                groups.computeIfAbsent(new SinkKey(event.table(), event.key()), k -> new ArrayList<>(1)).add(i);
            }
        }
        Set<Input> inputs = EnumSet.noneOf(Input.class);
        events.forEach(event -> inputs.add(event.input()));
        return new Plan(ignored, groups, inputs);
    }

    private Map<SinkKey, LedgerEntry> lockLedger(Connection connection, Collection<SinkKey> keys) throws SQLException {
        Map<SinkKey, LedgerEntry> applied = new HashMap<>();
        for (SourceTable table : SourceTable.values()) {
            List<Long> ofTable = keys.stream().filter(k -> k.table() == table).map(SinkKey::key).toList();
            if (!ofTable.isEmpty()) {
                ledger.lock(connection, table, ofTable).forEach((key, entry) -> applied.put(new SinkKey(table, key), entry));
            }
        }
        return applied;
    }

    /** What one transaction did: equal-version conflicts met, and the keys whose clinic row it wrote, with the content written. */
    private record Applied(int conflicts, Map<SinkKey, String> written) {
    }

    /**
     * The whole of one batch's work for a set of keys, in a handful of statements whatever the
     * batch size: lock their ledger entries, decide each key, lock the clinic rows of the
     * winners, plan their writes, then write them and the ledger as JDBC batches.
     */
    private Applied applyKeys(Connection connection, List<ChangeEvent> events, Map<SinkKey, List<Integer>> groups,
                              EventOutcome[] outcomes) throws SQLException {
        Map<SinkKey, LedgerEntry> applied = lockLedger(connection, groups.keySet());
        int conflicts = 0;
        List<KeyDecision> winners = new ArrayList<>();
        // Rule 6 and the clinic's own changes move only the ledger's version: recorded without a write.
        List<Ledger.Update> advances = new ArrayList<>();
        for (Map.Entry<SinkKey, List<Integer>> group : groups.entrySet()) {
            LedgerEntry before = applied.get(group.getKey());
            KeyDecision decision = decideKey(before, group.getKey(), group.getValue(), events, outcomes);
            conflicts += decision.conflicts();
            if (decision.winner() >= 0) {
                winners.add(decision);
            } else if (decision.state() != null && !decision.state().equals(before)) {
                advances.add(new Ledger.Update(group.getKey().table(), group.getKey().key(), decision.state(),
                        events.get(group.getValue().get(group.getValue().size() - 1)).input().name(), before != null));
            }
        }
        if (winners.isEmpty()) {
            ledger.record(connection, advances);
            return new Applied(conflicts, Map.of());
        }
        TargetWriter.Current current = writer.lock(connection,
                winners.stream().filter(d -> d.key().table() == SourceTable.ALIGNER_NOTES).map(d -> d.key().key()).toList(),
                winners.stream().filter(d -> d.key().table() == SourceTable.ALIGNER_BATCHES).map(d -> d.key().key()).toList());
        List<TargetWriter.Write> writes = new ArrayList<>(winners.size());
        List<Ledger.Update> updates = new ArrayList<>(winners.size());
        Map<SinkKey, String> written = new LinkedHashMap<>();
        for (KeyDecision decision : winners) {
            ChangeEvent winner = events.get(decision.winner());
            try {
                TargetWriter.Write write = writer.plan(winner, current, decision.fields());
                if (write.outcome() == Outcome.APPLIED && !breaker.mayWrite(decision.key(), winner.contentHash())) {
                    // Parked, not recorded: the key is stopped until an operator replays its dead letters.
                    outcomes[decision.winner()] = new EventOutcome(winner, Outcome.DEAD_LETTER, breaker.reason());
                    metrics.recordBreakerStop();
                    log.error("sink: ALARM: {} stopped by the {}", decision.key(), breaker.reason());
                    continue;
                }
                writes.add(write);
                LedgerEntry state = decision.state();
                if (write.outcome() == Outcome.APPLIED) {
                    state = state.writtenAt(nowMicros());
                    written.put(decision.key(), winner.contentHash());
                }
                updates.add(new Ledger.Update(decision.key().table(), decision.key().key(), state, winner.input().name(),
                        applied.containsKey(decision.key())));
                outcomes[decision.winner()] = new EventOutcome(winner, write.outcome(), write.detail());
            } catch (RejectedChangeException e) {
                // Parked, not recorded: a later version of the key meets the same check again.
                outcomes[decision.winner()] = new EventOutcome(winner, Outcome.DEAD_LETTER, e.getMessage());
            }
        }
        writer.execute(connection, writes);
        updates.addAll(advances);
        ledger.record(connection, updates);
        return new Applied(conflicts, written);
    }

    /**
     * @param winner the index of the event to write, or -1 when none is written
     * @param state  the ledger entry to record once the winner is written
     * @param fields the synced fields of the winner to write ({@link DedupRules#ALL_FIELDS}: all)
     */
    private record KeyDecision(SinkKey key, int winner, LedgerEntry state, int conflicts, Set<String> fields) {
    }

    /** Decides every event of one key against its (locked) ledger entry; fills in the losers' outcomes. */
    private KeyDecision decideKey(LedgerEntry applied, SinkKey key, List<Integer> indexes, List<ChangeEvent> events,
                                  EventOutcome[] outcomes) {
        LedgerEntry state = applied;
        int winner = -1;
        int newest = -1;
        Set<String> fields = Set.of();
        int conflicts = 0;
        for (int index : indexes) {
            ChangeEvent event = events.get(index);
            long version = versionOf(event, state);
            DedupRules.Decision decision = DedupRules.decide(state, incoming(event, version));
            Verdict verdict = decision.verdict();
            switch (verdict) {
                case APPLY, APPLY_CONFLICT_WINNER -> {
                    if (verdict == Verdict.APPLY_CONFLICT_WINNER) {
                        conflicts++;
                        metrics.recordTieBreak(event.describe() + " from " + event.input() + ": same version, different content;"
                                + tieBreakRule(decision.tieBreak()) + ", the incoming copy was applied");
                        log.warn("sink: conflict on {}: same version, different content from {};{}, applying the incoming copy",
                                event.describe(), event.input(), tieBreakRule(decision.tieBreak()));
                    }
                    if (winner >= 0) {
                        outcomes[winner] = new EventOutcome(events.get(winner), Outcome.SUPERSEDED, "a newer version in the same batch was applied");
                    }
                    winner = index;
                    fields = decision.fields();
                }
                case DUPLICATE -> outcomes[index] = new EventOutcome(event, Outcome.DUPLICATE, "version " + version + " already applied");
                case STALE -> outcomes[index] = new EventOutcome(event, Outcome.STALE, "version " + version + " is older than the applied "
                        + (state.tombstone() ? "delete (" : "version (") + state.version() + ")");
                case CONFLICT_LOSER -> {
                    conflicts++;
                    metrics.recordTieBreak(event.describe() + " from " + event.input() + ": same version, different content;"
                            + tieBreakRule(decision.tieBreak()) + ", the applied copy was kept");
                    log.warn("sink: conflict on {}: same version, different content from {};{}, the applied copy keeps its place",
                            event.describe(), event.input(), tieBreakRule(decision.tieBreak()));
                    outcomes[index] = new EventOutcome(event, Outcome.CONFLICT, "same version " + version + " as applied, different content; applied copy kept");
                }
                case SAME_CONTENT -> outcomes[index] = new EventOutcome(event, Outcome.UNCHANGED,
                        "nothing that flows back changed since the version applied (rule 6): version advanced, nothing written");
                case CLINIC_ORIGIN -> outcomes[index] = new EventOutcome(event, Outcome.UNCHANGED,
                        "the clinic's own change, forward-synced to the portal (origin clinic): recorded as seen, not written back");
            }
            if (decision.next() != state) {
                newest = index;
            }
            state = decision.next();
        }
        // Several copies of a stamped row in one batch: the newest copy's stamps tell the last
        // change of every field, so what a doctor changed since the ledger (as the batch found
        // it) is read from it alone: a field changed by an earlier copy of the batch is written
        // too, and one the clinic changed again later in the batch is not written back.
        if (winner >= 0 && newest >= 0 && !events.get(newest).isDelete() && !events.get(winner).isDelete() && !isRepair(events.get(newest))) {
            List<FieldStamp> stamps = ChangeEvents.stamps(key.table(), events.get(newest).after());
            if (stamps != null) {
                Set<String> since = DedupRules.portalFieldsSince(applied, stamps);
                if (newest != winner) {
                    outcomes[winner] = new EventOutcome(events.get(winner), Outcome.SUPERSEDED, "a newer copy in the same batch carries its fields");
                }
                winner = since.isEmpty() ? -1 : newest;
                fields = since;
            }
        }
        return new KeyDecision(key, winner, state, conflicts, fields);
    }

    private static String tieBreakRule(DedupRules.TieBreak tieBreak) {
        return tieBreak == DedupRules.TieBreak.LSN ? " the later LSN wins" : " the greater content hash wins (deterministic)";
    }

    /** A repair copy (verify --repair) re-asserts the portal's row against SQL Server changed behind the ledger's back. */
    private static boolean isRepair(ChangeEvent event) {
        return event.input() == Input.RECONCILE && !event.isDelete();
    }

    private static DedupRules.Incoming incoming(ChangeEvent event, long version) {
        Long lsn = event.position() != null && event.position().lsn() != 0 ? event.position().lsn() : null;
        List<FieldStamp> stamps = event.isDelete() ? null : ChangeEvents.stamps(event.table(), event.after());
        return new DedupRules.Incoming(version, event.contentHash(), event.isDelete(), lsn, stamps, isRepair(event));
    }

    private long nowMicros() {
        return ChangeEvents.toMicros(clock.instant());
    }

    /**
     * The event's own version; for a delete whose old row carries none (REPLICA IDENTITY
     * DEFAULT), a version from the portal's side, never the daemon's clock: just after the last
     * version the ledger holds and, when CDC tells the commit time (the portal's clock), not
     * before that, so an older copy delivered later cannot bring the row back. With neither, 0:
     * the delete applies, and any copy of the row the portal still sends is newer.
     */
    private static long versionOf(ChangeEvent event, LedgerEntry state) {
        if (event.hasKnownVersion()) {
            return event.version();
        }
        Long committed = event.position() != null && event.position().commitTime() != null
                ? ChangeEvents.toMicros(event.position().commitTime())
                : null;
        long afterLedger = state == null ? 0 : state.version() + 1;
        return committed != null ? Math.max(afterLedger, committed) : afterLedger;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("sink: rollback after failure also failed: {}", e.getMessage());
        }
    }
}
