package com.alignersync.sink;

import com.alignersync.config.SinkConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.Input;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a batch meets SQL Server's failures: the whole batch in one transaction, retried with
 * backoff while the failure is an outage ({@link Failures}); when SQL Server refuses it, key by
 * key, each in its own transaction, to tell a bad row from a systemic refusal by evidence
 * ({@link RefusalEvidence}): a key refused while other keys commit is parked; keys all refused the
 * same way with none committing stop writes; a refused key without evidence either way is held
 * (the batch is not done, the input delivers it again).
 */
final class Isolation {

    private static final Logger log = LoggerFactory.getLogger(Isolation.class);

    /**
     * Distinct keys that SQL Server refuses the same way, none committing meanwhile, before the
     * sink calls it systemic: a column added NOT NULL without default, a clinic trigger broken
     * for every row. Parking them would empty the stream into dead letters.
     */
    static final int SYSTEMIC_REFUSAL_KEYS = 5;

    private final BatchWriter writer;
    private final RefusalEvidence evidence;
    private final SinkHealth health;
    private final SinkConfig config;

    Isolation(BatchWriter writer, RefusalEvidence evidence, SinkHealth health, SinkConfig config) {
        this.writer = writer;
        this.evidence = evidence;
        this.health = health;
        this.config = config;
    }

    /** The whole batch in one transaction; on SQL Server's refusal, key by key. */
    BatchResult apply(List<ChangeEvent> events, KeyDecisions.Plan plan) throws SinkUnavailableException {
        Failures failures = new Failures(plan.inputs(), health, config);
        while (true) {
            EventOutcome[] outcomes = Arrays.copyOf(plan.ignored(), events.size());
            try {
                int conflicts = writer.commit(events, plan.groups(), outcomes);
                return new BatchResult(Arrays.asList(outcomes), conflicts);
            } catch (SQLException e) {
                SqlErrors.Kind kind = failures.record(e, "a batch of " + plan.groups().size() + " keys");
                if (failures.isolate(kind)) {
                    log.warn("sink: SQL Server refused a batch of {} keys ({}); applying it key by key, each in its own transaction,"
                            + " to learn which keys it refuses", plan.groups().size(), SqlErrors.describe(e));
                    return keyByKey(events, plan);
                }
                failures.backoff();
            }
        }
    }

    private BatchResult keyByKey(List<ChangeEvent> events, KeyDecisions.Plan plan) throws SinkUnavailableException {
        EventOutcome[] outcomes = Arrays.copyOf(plan.ignored(), events.size());
        int conflicts = 0;
        Map<SinkKey, SQLException> held = new LinkedHashMap<>();
        int parkedKeys = 0;
        for (Map.Entry<SinkKey, List<Integer>> group : plan.groups().entrySet()) {
            Failures failures = new Failures(plan.inputs(), health, config);
            while (true) {
                try {
                    conflicts += writer.commit(events, Map.of(group.getKey(), group.getValue()), outcomes);
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

    private SinkMisconfiguredException systemicRefusal(SQLException e, Set<Input> inputs) {
        // The number only: SQL Server's text may quote a row's value, and health is shown unauthenticated.
        String detail = "SQL Server refuses every row the same way (" + SqlErrors.Signature.of(e) + ")";
        String fix = "this is no bad row: the clinic's tables or triggers changed, or a right is missing. Fix it in SQL Server;"
                + " nothing was parked and the inputs hold their positions, so the changes land by themselves once it is fixed";
        health.misconfigured(inputs, detail, fix);
        log.error("sink: writes stopped: {}. Fix: {}", detail, fix);
        return new SinkMisconfiguredException(detail + "; fix: " + fix, e);
    }
}
