package com.alignersync.source.cdc;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Raised once on stop; every wait of the input (restart backoff, sink pause) ends at once when it is. */
final class StopSignal {

    private final CountDownLatch latch = new CountDownLatch(1);

    void raise() {
        latch.countDown();
    }

    boolean raised() {
        return latch.getCount() == 0;
    }

    /** @return true when stop was raised before the delay ran out */
    boolean await(Duration delay) throws InterruptedException {
        return latch.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Capped exponential backoff: {@code initial * 2^(attempt-1)}, at most {@code max}. */
    static Duration backoff(Duration initial, Duration max, int attempt) {
        long millis = initial.toMillis();
        for (int i = 1; i < attempt && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
