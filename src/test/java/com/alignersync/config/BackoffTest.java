package com.alignersync.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void theDelayStartsAtTheInitialDoublesPerAttemptAndStopsAtTheMax() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofMillis(1_000));
        assertEquals(List.of(200L, 400L, 800L, 1_000L, 1_000L),
                IntStream.rangeClosed(1, 5).mapToObj(attempt -> backoff.delay(attempt).toMillis()).toList());
    }

    @Test
    void aLongRunOfFailuresNeverOverflowsPastTheMax() {
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofHours(1));
        assertEquals(Duration.ofHours(1), backoff.delay(1_000));
    }

    @Test
    void theSinksRetryDelayComesFromItsRetrySettings() {
        SinkConfig sink = new SinkConfig(SinkConfig.DeleteMode.DELETE, 5, Duration.ofMillis(50), Duration.ofMillis(120));
        assertEquals(new Backoff(Duration.ofMillis(50), Duration.ofMillis(120)), sink.retryBackoff());
        assertEquals(Duration.ofMillis(120), sink.retryBackoff().delay(3));
    }
}
