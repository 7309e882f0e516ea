package com.alignersync.sink;

import com.alignersync.config.SinkConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.DedupRules.Verdict;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one sink all three inputs feed. {@link #apply} takes a batch of change events and, in
 * one SQL Server transaction, lets the ledger decide each key ({@link DedupRules}), writes the
 * newest version through {@link TargetWriter}, and records it in the ledger. Only after the
 * commit does it return; callers advance offsets, cursors or answer 2xx only then.
 *
 * <p>Events that can never apply are rolled back to a per-key savepoint and parked as dead
 * letters after the commit; the rest of the batch still applies. Transient SQL errors retry
 * the whole batch with capped backoff; anything else reaches the caller as
 * {@link SinkUnavailableException} with nothing committed.
 */
public final class SqlServerSink {

    private static final Logger log = LoggerFactory.getLogger(SqlServerSink.class);

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final TargetWriter writer;
    private final Ledger ledger;
    private final DeadLetterLog deadLetters;
    private final SinkMetrics metrics;
    private final Clock clock;
    private final RetryPolicy<Object> retryPolicy;
    private final ReentrantLock singleWriter;
    private final Duration echoWindow;

    public SqlServerSink(DataSource dataSource, SqlDialect dialect, SinkConfig config, ZoneId clinicZone,
                         DeadLetterLog deadLetters, SinkMetrics metrics, Clock clock) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.writer = new TargetWriter(dialect, new ClinicDatetime(clinicZone), config.notesDeleteMode());
        this.ledger = new Ledger(dialect);
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.clock = clock;
        this.singleWriter = dialect.needsSingleWriter() ? new ReentrantLock(true) : null;
        this.echoWindow = config.echoWindow();
        RetryPolicyBuilder<Object> retry = RetryPolicy.builder().handle(TransientFailure.class);
        // Failsafe's backoff needs max > initial; equal bounds mean a fixed delay.
        retry = config.retryMaxBackoff().compareTo(config.retryInitialBackoff()) > 0
                ? retry.withBackoff(config.retryInitialBackoff(), config.retryMaxBackoff())
                : retry.withDelay(config.retryInitialBackoff());
        this.retryPolicy = retry
                .withMaxAttempts(config.retryMaxAttempts())
                .onRetry(e -> log.warn("sink: transient SQL error, retry {} of {}: {}", e.getAttemptCount(),
                        config.retryMaxAttempts() - 1, e.getLastException().getMessage()))
                .build();
    }

    /** Checks that SQL Server answers and the ledger exists; the message names the fix. */
    public void checkReady() throws SinkUnavailableException {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement probe = connection.prepareStatement(dialect.ledgerProbe())) {
                probe.executeQuery().close();
            }
            for (String table : List.of(SqlDialect.NOTES, SqlDialect.BATCHES)) {
                try (PreparedStatement probe = connection.prepareStatement(dialect.tableProbe(table))) {
                    probe.executeQuery().close();
                } catch (SQLException e) {
                    throw new SinkUnavailableException("the clinic table " + table + " cannot be read (" + SqlErrors.describe(e)
                            + "): check sqlserver.jdbc-url points at the clinic database and the login may read it", e);
                }
            }
            connection.rollback();
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            // 207/42122/42S22: a ledger from an older release, without the columns init adds now.
            if (state.equals("42S02") || state.equals("42S04") || state.equals("42S22") || e.getErrorCode() == 208
                    || e.getErrorCode() == 42102 || e.getErrorCode() == 207 || e.getErrorCode() == 42122) {
                throw new LedgerMissingException("the ledger table " + SqlDialect.LEDGER + " does not exist or predates this release: run"
                        + " 'java -jar target/aligner-sync.jar init' (or 'init --print' for a DBA to run)", e);
            }
            throw new SinkUnavailableException("SQL Server is not reachable: " + SqlErrors.describe(e), e);
        }
    }

    /**
     * Applies a batch in one transaction and returns what happened to each event.
     *
     * @throws SinkUnavailableException nothing was committed; the caller must not advance
     */
    public BatchResult apply(List<ChangeEvent> events) throws SinkUnavailableException {
        if (events.isEmpty()) {
            return new BatchResult(List.of(), 0);
        }
        long started = System.nanoTime();
        Plan plan = plan(events);
        BatchResult result;
        try {
            result = Failsafe.with(retryPolicy).get(() -> attempt(events, plan));
        } catch (TransientFailure e) {
            metrics.recordFailedBatch();
            throw new SinkUnavailableException("SQL Server failed " + retryPolicy.getConfig().getMaxAttempts()
                    + " times in a row, last: " + e.getMessage(), e.getCause());
        } catch (SinkFailure e) {
            metrics.recordFailedBatch();
            throw new SinkUnavailableException(e.getMessage(), e.getCause());
        } catch (FailsafeException e) {
            metrics.recordFailedBatch();
            throw new SinkUnavailableException("sink interrupted: " + e.getMessage(), e);
        }
        List<EventOutcome> parked = result.outcomes().stream().filter(o -> o.outcome() == Outcome.DEAD_LETTER).toList();
        for (EventOutcome o : parked) {
            log.warn("sink: dead letter {} from {}: {}", o.event().describe(), o.event().input(), o.detail());
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
        return result;
    }

    /**
     * What {@link #apply} would decide for these events against the ledger, without writing
     * (the poller's dry run). It cannot foresee what only the clinic's rows tell (a value
     * already there: UNCHANGED; a key conflict or an unknown batch: DEAD_LETTER), so APPLIED
     * here means "newer than anything applied".
     */
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
                for (SourceTable table : SourceTable.values()) {
                    List<GroupKey> keys = plan.groups().keySet().stream().filter(k -> k.table() == table).toList();
                    if (keys.isEmpty()) {
                        continue;
                    }
                    Map<Long, LedgerEntry> applied = ledger.lock(connection, table, keys.stream().map(GroupKey::key).toList());
                    for (GroupKey key : keys) {
                        for (int index : plan.groups().get(key)) {
                            ChangeEvent event = events.get(index);
                            verdicts[index] = switch (DedupRules.decide(applied.get(key.key()), incoming(event, event.version()),
                                    nowMicros(), echoWindow).verdict()) {
                                case APPLY, APPLY_CONFLICT_WINNER -> Outcome.APPLIED;
                                case DUPLICATE -> Outcome.DUPLICATE;
                                case STALE -> Outcome.STALE;
                                case CONFLICT_LOSER -> Outcome.CONFLICT;
                                case SAME_CONTENT, ECHO -> Outcome.UNCHANGED;
                            };
                        }
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

    /** Events grouped by key, keys in one global order so that concurrent transactions lock alike. */
    private record Plan(EventOutcome[] ignored, Map<GroupKey, List<Integer>> groups) {
    }

    private record GroupKey(SourceTable table, long key) {
        static final Comparator<GroupKey> ORDER = Comparator.comparing(GroupKey::table).thenComparingLong(GroupKey::key);
    }

    private static Plan plan(List<ChangeEvent> events) {
        EventOutcome[] ignored = new EventOutcome[events.size()];
        Map<GroupKey, List<Integer>> groups = new TreeMap<>(GroupKey.ORDER);
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent event = events.get(i);
            String reason = TargetWriter.ignoredReason(event);
            if (reason != null) {
                ignored[i] = new EventOutcome(event, Outcome.IGNORED, reason);
            } else {
                groups.computeIfAbsent(new GroupKey(event.table(), event.key()), k -> new ArrayList<>(1)).add(i);
            }
        }
        return new Plan(ignored, groups);
    }

    private BatchResult attempt(List<ChangeEvent> events, Plan plan) {
        if (singleWriter != null) {
            singleWriter.lock();
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                BatchResult result;
                try {
                    EventOutcome[] outcomes = Arrays.copyOf(plan.ignored(), events.size());
                    int conflicts = applyKeys(connection, events, plan.groups(), outcomes);
                    result = new BatchResult(Arrays.asList(outcomes), conflicts);
                } catch (SQLException e) {
                    if (SqlErrors.classify(e) != SqlErrors.Kind.EVENT) {
                        throw e;
                    }
                    // The batched writes cannot tell which row SQL Server refused: redo the batch key by key.
                    connection.rollback();
                    log.info("sink: SQL Server refused a write of the batch ({}); applying key by key to park only that change",
                            SqlErrors.describe(e));
                    result = applyKeyByKey(connection, events, plan);
                }
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            if (SqlErrors.classify(e) == SqlErrors.Kind.TRANSIENT) {
                throw new TransientFailure(SqlErrors.describe(e), e);
            }
            throw new SinkFailure("SQL Server rejected the batch: " + SqlErrors.describe(e), e);
        } finally {
            if (singleWriter != null) {
                singleWriter.unlock();
            }
        }
    }

    /**
     * The whole of one batch's work for a set of keys, in a handful of statements whatever the
     * batch size: lock their ledger entries, decide each key, lock the clinic rows of the
     * winners, plan their writes, then write them and the ledger as JDBC batches.
     */
    private int applyKeys(Connection connection, List<ChangeEvent> events, Map<GroupKey, List<Integer>> groups,
                          EventOutcome[] outcomes) throws SQLException {
        Map<GroupKey, LedgerEntry> applied = new HashMap<>();
        for (SourceTable table : SourceTable.values()) {
            List<Long> keys = groups.keySet().stream().filter(k -> k.table() == table).map(GroupKey::key).toList();
            if (!keys.isEmpty()) {
                ledger.lock(connection, table, keys).forEach((key, entry) -> applied.put(new GroupKey(table, key), entry));
            }
        }
        int conflicts = 0;
        List<KeyDecision> winners = new ArrayList<>();
        // Rule 6 and echoes move only the ledger's version: recorded without a write.
        List<Ledger.Update> advances = new ArrayList<>();
        for (Map.Entry<GroupKey, List<Integer>> group : groups.entrySet()) {
            LedgerEntry before = applied.get(group.getKey());
            KeyDecision decision = decideKey(before, group.getKey(), group.getValue(), events, outcomes);
            conflicts += decision.conflicts();
            if (decision.winner() >= 0) {
                winners.add(decision);
            } else if (decision.state() != null && !decision.state().equals(before)) {
                advances.add(new Ledger.Update(group.getKey().table(), group.getKey().key(), decision.state(),
                        events.get(group.getValue().get(group.getValue().size() - 1)).input().name()));
            }
        }
        if (winners.isEmpty()) {
            ledger.record(connection, advances);
            return conflicts;
        }
        TargetWriter.Current current = writer.lock(connection,
                winners.stream().filter(d -> d.key().table() == SourceTable.ALIGNER_NOTES).map(d -> d.key().key()).toList(),
                winners.stream().filter(d -> d.key().table() == SourceTable.ALIGNER_BATCHES).map(d -> d.key().key()).toList());
        List<TargetWriter.Write> writes = new ArrayList<>(winners.size());
        List<Ledger.Update> updates = new ArrayList<>(winners.size());
        for (KeyDecision decision : winners) {
            ChangeEvent winner = events.get(decision.winner());
            try {
                TargetWriter.Write write = writer.plan(winner, current);
                writes.add(write);
                // When the clinic's row really changes, the forward sync may echo it: note when (DedupRules).
                LedgerEntry state = write.outcome() == Outcome.APPLIED ? decision.state().writtenAt(nowMicros()) : decision.state();
                updates.add(new Ledger.Update(decision.key().table(), decision.key().key(), state, winner.input().name()));
                outcomes[decision.winner()] = new EventOutcome(winner, write.outcome(), write.detail());
            } catch (RejectedChangeException e) {
                // Parked, not recorded: a later version of the key meets the same check again.
                outcomes[decision.winner()] = new EventOutcome(winner, Outcome.DEAD_LETTER, e.getMessage());
            }
        }
        writer.execute(connection, writes);
        updates.addAll(advances);
        ledger.record(connection, updates);
        return conflicts;
    }

    /** The slow path after SQL Server refused a batched write: each key under its own savepoint. */
    private BatchResult applyKeyByKey(Connection connection, List<ChangeEvent> events, Plan plan) throws SQLException {
        EventOutcome[] outcomes = Arrays.copyOf(plan.ignored(), events.size());
        int conflicts = 0;
        for (Map.Entry<GroupKey, List<Integer>> group : plan.groups().entrySet()) {
            Savepoint savepoint = connection.setSavepoint();
            try {
                conflicts += applyKeys(connection, events, Map.of(group.getKey(), group.getValue()), outcomes);
            } catch (SQLException e) {
                if (SqlErrors.classify(e) != SqlErrors.Kind.EVENT) {
                    throw e;
                }
                connection.rollback(savepoint);
                for (int index : group.getValue()) {
                    Outcome planned = outcomes[index].outcome();
                    if (planned == Outcome.APPLIED || planned == Outcome.UNCHANGED) {
                        outcomes[index] = new EventOutcome(events.get(index), Outcome.DEAD_LETTER,
                                "SQL Server refused the write: " + SqlErrors.describe(e));
                    }
                }
            }
        }
        return new BatchResult(Arrays.asList(outcomes), conflicts);
    }

    /**
     * @param winner the index of the event to write, or -1 when none is newer than the ledger
     * @param state  the ledger entry to record once the winner is written
     */
    private record KeyDecision(GroupKey key, int winner, LedgerEntry state, int conflicts) {
    }

    /** Decides every event of one key against its (locked) ledger entry; fills in the losers' outcomes. */
    private KeyDecision decideKey(LedgerEntry applied, GroupKey key, List<Integer> indexes, List<ChangeEvent> events,
                                  EventOutcome[] outcomes) {
        LedgerEntry state = applied;
        int winner = -1;
        int conflicts = 0;
        for (int index : indexes) {
            ChangeEvent event = events.get(index);
            long version = event.hasKnownVersion() ? event.version() : versionForUnversionedDelete(state, event);
            DedupRules.Decision decision = DedupRules.decide(state, incoming(event, version), nowMicros(), echoWindow);
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
                        "content equals what was last applied (rule 6): version advanced, nothing written");
                case ECHO -> outcomes[index] = new EventOutcome(event, Outcome.UNCHANGED,
                        "echo of a value aligner-sync wrote and has since superseded: version advanced, nothing written");
            }
            state = decision.next();
        }
        return new KeyDecision(key, winner, state, conflicts);
    }

    private static String tieBreakRule(DedupRules.TieBreak tieBreak) {
        return tieBreak == DedupRules.TieBreak.LSN ? " the later LSN wins" : " the greater content hash wins (deterministic)";
    }

    private static DedupRules.Incoming incoming(ChangeEvent event, long version) {
        Long lsn = event.position() != null && event.position().lsn() != 0 ? event.position().lsn() : null;
        return new DedupRules.Incoming(version, event.contentHash(), event.isDelete(), lsn);
    }

    private long nowMicros() {
        return ChangeEvents.toMicros(clock.instant());
    }

    /**
     * A delete whose old row carries no version (REPLICA IDENTITY DEFAULT) is placed just after
     * the last version applied, and, when CDC tells its commit time, not before that, so an
     * older copy delivered later cannot bring the row back. With no ledger entry and no commit
     * time, the local clock is the best bound on when the delete happened.
     */
    private long versionForUnversionedDelete(LedgerEntry state, ChangeEvent event) {
        Long committed = event.position() != null && event.position().commitTime() != null
                ? ChangeEvents.toMicros(event.position().commitTime())
                : null;
        if (state == null) {
            return committed != null ? committed : ChangeEvents.toMicros(clock.instant());
        }
        return committed != null ? Math.max(state.version() + 1, committed) : state.version() + 1;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("sink: rollback after failure also failed: {}", e.getMessage());
        }
    }

    /** Worth another attempt of the whole batch. */
    private static final class TransientFailure extends RuntimeException {
        TransientFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Not the events' fault and not going away by itself: misconfiguration, missing table, permissions. */
    private static final class SinkFailure extends RuntimeException {
        SinkFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
