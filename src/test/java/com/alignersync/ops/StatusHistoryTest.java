package com.alignersync.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.alignersync.event.Input;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The console's hour of history, driven by a clock the test moves. */
class StatusHistoryTest {

    /** A clock that stays where the test puts it. */
    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-26T10:00:05Z"));
    private final Map<Input, Long> applied = new EnumMap<>(Map.of(Input.CDC, 0L, Input.WEBHOOK, 0L, Input.POLL, 0L));
    private final AtomicReference<Long> lag = new AtomicReference<>();
    private final StatusHistory history = new StatusHistory(input -> applied.getOrDefault(input, 0L), lag::get, clock);

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> minutes() {
        return (List<Map<String, Object>>) history.statusSnapshot().get("minutes");
    }

    @SuppressWarnings("unchecked")
    private static long applied(Map<String, Object> minute, String input) {
        return ((Number) ((Map<String, Object>) minute.get("applied")).get(input)).longValue();
    }

    @Test
    void eventsCountInTheMinuteTheyWereSampledAndTheLagIsTheWorstOfItsMinute() {
        applied.put(Input.CDC, 3L);
        lag.set(100L);
        history.sample();
        lag.set(700L);
        history.sample();
        lag.set(200L);
        clock.advance(Duration.ofMinutes(1));
        applied.put(Input.CDC, 4L);
        applied.put(Input.WEBHOOK, 2L);

        List<Map<String, Object>> minutes = minutes();
        assertEquals(2, minutes.size(), "only minutes since the start");
        assertEquals("2026-11-26T10:00:00Z", minutes.get(0).get("minute"));
        assertEquals(3, applied(minutes.get(0), "cdc"));
        assertEquals(700L, minutes.get(0).get("cdcLagBytes"));
        assertEquals(1, applied(minutes.get(1), "cdc"));
        assertEquals(2, applied(minutes.get(1), "webhook"));
        assertEquals(0, applied(minutes.get(1), "poll"));
        assertEquals(200L, minutes.get(1).get("cdcLagBytes"));
    }

    @Test
    void keepsTheLastHourZeroFilledAndForgetsWhatIsOlder() {
        applied.put(Input.POLL, 5L);
        history.sample();
        clock.advance(Duration.ofMinutes(90));

        List<Map<String, Object>> minutes = minutes();
        assertEquals(StatusHistory.MINUTES, minutes.size());
        assertEquals("2026-11-26T10:31:00Z", minutes.get(0).get("minute"));
        assertEquals("2026-11-26T11:30:00Z", minutes.get(minutes.size() - 1).get("minute"));
        // The 5 were applied at 10:00, outside the window; the quiet minutes are zeros, not gaps.
        minutes.forEach(m -> assertEquals(0, applied(m, "poll")));
        assertNull(minutes.get(0).get("cdcLagBytes"));
    }
}
