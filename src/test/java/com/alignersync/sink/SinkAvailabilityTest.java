package com.alignersync.sink;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** The sink-available gauge never makes a scrape wait for SQL Server. */
class SinkAvailabilityTest {

    private static void await(DoubleSupplier value, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Double.compare(value.getAsDouble(), expected) != 0) {
            assertTrue(System.nanoTime() < deadline, "gauge never became " + expected);
            Thread.sleep(10);
        }
    }

    @Test
    void aHangingProbeDoesNotBlockTheScrapeAndOnlyOneRunsAtATime() throws Exception {
        CountDownLatch sqlServerAnswers = new CountDownLatch(1);
        AtomicInteger probes = new AtomicInteger();
        SinkAvailability availability = new SinkAvailability(() -> {
            probes.incrementAndGet();
            try {
                return sqlServerAnswers.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return false;
            }
        }, 0);
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertTrue(Double.isNaN(availability.value()), "unknown until the first probe finishes");
        }
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(1).toNanos(), "scrapes answered at once");
        sqlServerAnswers.countDown();
        await(availability::value, 1);
        assertTrue(probes.get() <= 3, "one probe in flight at a time, not one per scrape: " + probes.get());
    }

    @Test
    void aFailingProbeReadsAsUnavailable() throws Exception {
        SinkAvailability down = new SinkAvailability(() -> false, 0);
        down.value();
        await(down::value, 0);
        SinkAvailability throwing = new SinkAvailability(() -> {
            throw new IllegalStateException("pool closed");
        }, 0);
        throwing.value();
        await(throwing::value, 0);
    }
}
