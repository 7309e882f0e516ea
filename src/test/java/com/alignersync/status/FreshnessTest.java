package com.alignersync.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FreshnessTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void aChangeIsInSqlServerOnceAnyCompleteInputCarriedItSoTheBestInputCounts() {
        Freshness freshness = new Freshness(List.of(
                new Freshness.Input("cdc", () -> Optional.of(NOW.minusSeconds(4))),
                new Freshness.Input("poll", () -> Optional.of(NOW.minusSeconds(1800)))), CLOCK);

        assertEquals(Optional.of(4.0), freshness.seconds(), "a healthy CDC is not hidden behind the hourly poll");
        @SuppressWarnings("unchecked")
        Map<String, Object> poll = (Map<String, Object>) ((Map<String, Object>) freshness.statusSnapshot().get("inputs")).get("poll");
        assertEquals(1800.0, poll.get("seconds"));
    }

    @Test
    void aStuckInputGrowsAndNothingKnownYetIsNotANumberForTheGauge() {
        Freshness stuck = new Freshness(List.of(new Freshness.Input("cdc", () -> Optional.of(NOW.minusSeconds(700)))), CLOCK);
        assertEquals(Optional.of(700.0), stuck.seconds());

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new Freshness(List.of(new Freshness.Input("cdc", Optional::empty)), CLOCK).registerMetrics(registry);
        assertEquals(Double.NaN, registry.get("aligner_sync_freshness_seconds").gauge().value());
    }
}
