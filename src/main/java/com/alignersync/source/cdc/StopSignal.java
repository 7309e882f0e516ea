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
}
