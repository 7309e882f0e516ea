package com.alignersync.config;

import java.time.Duration;

/**
 * How the sink applies changes, retries transient failures, isolates a batch SQL Server keeps
 * refusing, and recognises echoes of its own writes.
 *
 * @param isolateAfterFailures identical refusals of one batch before it is applied key by key
 * @param statementTimeout     JDBC query timeout of every sink statement
 * @param echoWindow           how long an echo of a value the sink wrote and then superseded is expected
 *                             back from the clinic's forward sync (sink.DedupRules); zero turns the echo rule off
 */
public record SinkConfig(DeleteMode notesDeleteMode, int retryMaxAttempts, Duration retryInitialBackoff, Duration retryMaxBackoff,
                         int isolateAfterFailures, Duration statementTimeout, Duration echoWindow) {

    public static final Duration DEFAULT_ECHO_WINDOW = Duration.ofSeconds(60);

    /** What a deleted Doctor note does to SQL Server. */
    public enum DeleteMode {
        DELETE,
        IGNORE
    }

    /** With the default isolation threshold and statement timeout (tests and benchmarks). */
    public SinkConfig(DeleteMode notesDeleteMode, int retryMaxAttempts, Duration retryInitialBackoff, Duration retryMaxBackoff) {
        this(notesDeleteMode, retryMaxAttempts, retryInitialBackoff, retryMaxBackoff, 3, Duration.ofSeconds(30), DEFAULT_ECHO_WINDOW);
    }

    public static SinkConfig from(ConfigReader reader) {
        SinkConfig config = new SinkConfig(
                reader.choice(ConfigKeys.SINK_NOTES_DELETE_MODE, DeleteMode.class),
                reader.intInRange(ConfigKeys.SINK_RETRY_MAX_ATTEMPTS, 1, 100),
                reader.millis(ConfigKeys.SINK_RETRY_INITIAL_BACKOFF_MS, 1, 600_000),
                reader.millis(ConfigKeys.SINK_RETRY_MAX_BACKOFF_MS, 1, 3_600_000),
                reader.intInRange(ConfigKeys.SINK_ISOLATE_AFTER_FAILURES, 1, 100),
                Duration.ofSeconds(reader.intInRange(ConfigKeys.SINK_STATEMENT_TIMEOUT_SECONDS, 1, 3_600)),
                Duration.ofSeconds(reader.intInRange(ConfigKeys.SINK_ECHO_WINDOW_SECONDS, 0, 24 * 3600)));
        if (config.retryMaxBackoff.compareTo(config.retryInitialBackoff) < 0) {
            reader.problem(ConfigKeys.SINK_RETRY_MAX_BACKOFF_MS.label() + " must be at least " + ConfigKeys.SINK_RETRY_INITIAL_BACKOFF_MS.label());
        }
        return config;
    }

    public static SinkConfig defaults() {
        return new SinkConfig(DeleteMode.DELETE, 5, Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    public SinkConfig withIsolateAfterFailures(int failures) {
        return new SinkConfig(notesDeleteMode, retryMaxAttempts, retryInitialBackoff, retryMaxBackoff, failures, statementTimeout, echoWindow);
    }

    public SinkConfig withStatementTimeout(Duration timeout) {
        return new SinkConfig(notesDeleteMode, retryMaxAttempts, retryInitialBackoff, retryMaxBackoff, isolateAfterFailures, timeout, echoWindow);
    }
}
