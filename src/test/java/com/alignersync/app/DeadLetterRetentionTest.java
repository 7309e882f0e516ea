package com.alignersync.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alignersync.event.Input;
import com.alignersync.sink.DeadLetterLog;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterRetentionTest {

    @TempDir
    Path dataDir;

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void aPurgeDeletesOnlyWhatWasParkedLongerAgoThanTheRetention() {
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        new DeadLetterLog(dataDir, mapper, Clock.fixed(now.minus(Duration.ofDays(31)), ZoneOffset.UTC))
                .parkRaw(Input.POLL, "a month ago", mapper.createObjectNode());
        new DeadLetterLog(dataDir, mapper, Clock.fixed(now.minus(Duration.ofDays(29)), ZoneOffset.UTC))
                .parkRaw(Input.POLL, "within the month", mapper.createObjectNode());
        DeadLetterLog log = new DeadLetterLog(dataDir, mapper, Clock.fixed(now, ZoneOffset.UTC));

        DeadLetterRetention retention = new DeadLetterRetention(log, Duration.ofDays(30), Clock.fixed(now, ZoneOffset.UTC));

        assertEquals(1, retention.purgeNow());
        assertEquals(List.of("within the month"), log.readAll().stream().map(DeadLetterLog.Entry::reason).toList());
        assertEquals(0, retention.purgeNow());
    }
}
