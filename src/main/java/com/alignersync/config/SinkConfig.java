package com.alignersync.config;

import java.time.Duration;

/**
 * How the sink applies changes, retries transient failures, isolates a batch SQL Server keeps
 * refusing, and stops a key that ping-pongs.
 *
 * @param isolateAfterFailures identical refusals of one batch before it is applied key by key
 * @param statementTimeout     JDBC query timeout of every sink statement
 * @param pingPongMaxWrites    writes of one key within {@code pingPongWindow} before the breaker stops it (0: off)
 * @param refusalWindow        how long a refused key counts as evidence (sink.RefusalEvidence)
 */
public record SinkConfig(DeleteMode notesDeleteMode, int retryMaxAttempts, Duration retryInitialBackoff, Duration retryMaxBackoff,
                         int isolateAfterFailures, Duration statementTimeout, int pingPongMaxWrites, Duration pingPongWindow,
                         Duration refusalWindow) {

    public static final int DEFAULT_PINGPONG_MAX_WRITES = 6;
    public static final Duration DEFAULT_PINGPONG_WINDOW = Duration.ofSeconds(120);
    public static final Duration DEFAULT_REFUSAL_WINDOW = Duration.ofMinutes(15);

    /** What a deleted Doctor note does to SQL Server. */
    public enum DeleteMode {
        DELETE,
        IGNORE
    }

    /** With the default isolation threshold and statement timeout (tests and benchmarks). */
    public SinkConfig(DeleteMode notesDeleteMode, int retryMaxAttempts, Duration retryInitialBackoff, Duration retryMaxBackoff) {
        this(notesDeleteMode, retryMaxAttempts, retryInitialBackoff, retryMaxBackoff, 3, Duration.ofSeconds(30), DEFAULT_PINGPONG_MAX_WRITES,
                DEFAULT_PINGPONG_WINDOW, DEFAULT_REFUSAL_WINDOW);
    }

    /** How long the sink waits before it tries a batch again after a transient failure. */
    public Backoff retryBackoff() {
        return new Backoff(retryInitialBackoff, retryMaxBackoff);
    }

    public static SinkConfig from(ConfigReader reader) {
        SinkConfig config = new SinkConfig(
                reader.choice(ConfigKeys.SINK_NOTES_DELETE_MODE, DeleteMode.class),
                reader.intInRange(ConfigKeys.SINK_RETRY_MAX_ATTEMPTS, 1, 100),
                reader.millis(ConfigKeys.SINK_RETRY_INITIAL_BACKOFF_MS, 1, 600_000),
                reader.millis(ConfigKeys.SINK_RETRY_MAX_BACKOFF_MS, 1, 3_600_000),
                reader.intInRange(ConfigKeys.SINK_ISOLATE_AFTER_FAILURES, 1, 100),
                Duration.ofSeconds(reader.intInRange(ConfigKeys.SINK_STATEMENT_TIMEOUT_SECONDS, 1, 3_600)),
                reader.intInRange(ConfigKeys.SINK_PINGPONG_MAX_WRITES, 0, 1_000),
                Duration.ofSeconds(reader.intInRange(ConfigKeys.SINK_PINGPONG_WINDOW_SECONDS, 1, 24 * 3600)),
                Duration.ofSeconds(reader.intInRange(ConfigKeys.SINK_REFUSAL_WINDOW_SECONDS, 10, 7 * 24 * 3600)));
        if (config.retryMaxBackoff.compareTo(config.retryInitialBackoff) < 0) {
            reader.problem(ConfigKeys.SINK_RETRY_MAX_BACKOFF_MS.label() + " must be at least " + ConfigKeys.SINK_RETRY_INITIAL_BACKOFF_MS.label());
        }
        return config;
    }

    public static SinkConfig defaults() {
        return new SinkConfig(DeleteMode.DELETE, 5, Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    public SinkConfig withIsolateAfterFailures(int failures) {
        return new SinkConfig(notesDeleteMode, retryMaxAttempts, retryInitialBackoff, retryMaxBackoff, failures, statementTimeout, pingPongMaxWrites,
                pingPongWindow, refusalWindow);
    }

    public SinkConfig withPingPong(int maxWrites, Duration window) {
        return new SinkConfig(notesDeleteMode, retryMaxAttempts, retryInitialBackoff, retryMaxBackoff, isolateAfterFailures, statementTimeout,
                maxWrites, window, refusalWindow);
    }

    public SinkConfig withStatementTimeout(Duration timeout) {
        return new SinkConfig(notesDeleteMode, retryMaxAttempts, retryInitialBackoff, retryMaxBackoff, isolateAfterFailures, timeout, pingPongMaxWrites,
                pingPongWindow, refusalWindow);
    }
}
