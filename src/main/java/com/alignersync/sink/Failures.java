package com.alignersync.sink;

import com.alignersync.config.SinkConfig;
import com.alignersync.event.Input;
import java.sql.SQLException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failures of one batch (or one key): retries transient ones with backoff up to
 * {@code sink.retry.max-attempts}, counts identical refusals, and turns misconfiguration or
 * exhausted retries into {@link SinkUnavailableException}. Every failure is told to
 * {@link SinkHealth}, under the inputs the batch came from.
 */
final class Failures {

    private static final Logger log = LoggerFactory.getLogger(Failures.class);

    private final Set<Input> inputs;
    private final SinkHealth health;
    private final SinkConfig config;
    private int transientFailures;
    private int sameRefusals;
    private int refusals;
    private int attempts;
    private SqlErrors.Signature lastRefusal;

    Failures(Set<Input> inputs, SinkHealth health, SinkConfig config) {
        this.inputs = inputs;
        this.health = health;
        this.config = config;
    }

    /**
     * Counts a failed attempt at {@code what}.
     *
     * @throws SinkUnavailableException SQL Server refuses the daemon itself, or the transient failures ran out of retries
     */
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

    /**
     * Whether a whole batch that failed this way should be applied key by key: a row's data
     * refused at once; a refusal after {@code sink.isolate-after-failures} identical ones (a
     * clinic trigger may refuse once and pass the next time); refusals that keep changing their
     * number get the same end, a little later.
     */
    boolean isolate(SqlErrors.Kind kind) {
        return kind == SqlErrors.Kind.EVENT || (kind == SqlErrors.Kind.REFUSED && (sameRefusals >= config.isolateAfterFailures()
                || refusals >= 2 * config.isolateAfterFailures()));
    }

    /** Waits before the next attempt, longer after each ({@code sink.retry.*-backoff-ms}). */
    void backoff() throws SinkUnavailableException {
        try {
            Thread.sleep(config.retryBackoff().delay(attempts).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkUnavailableException("sink interrupted while retrying; nothing of the batch is pending", e);
        }
    }
}
