package com.alignersync.sink;

import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Files;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEventJson;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.sink.support.TestEvents;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterLogTest {

    @TempDir
    Path dataDir;

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void parkedEventsReadBackReplayableAndRawRecordsKeepWhatWasReceived() throws Exception {
        DeadLetterLog log = new DeadLetterLog(dataDir, mapper, Clock.systemUTC());
        ChangeEvent event = TestEvents.doctorNote(Input.WEBHOOK, Op.CREATE, 50, "text", 1);
        log.park(List.of(new EventOutcome(event, Outcome.DEAD_LETTER, "key conflict")));
        log.parkRaw(Input.CDC, "after.days: expected an integer", mapper.readTree("{\"aligner_batch_id\": 1, \"days\": \"ten\"}"));

        List<DeadLetterLog.Entry> entries = log.readAll();
        assertEquals(2, entries.size());
        assertEquals("key conflict", entries.get(0).reason());
        assertEquals(event, new ChangeEventJson(mapper).fromJson(entries.get(0).event()));
        assertNull(entries.get(1).event());
        assertEquals("CDC", entries.get(1).raw().get("input").asText());
        assertEquals("ten", entries.get(1).raw().get("record").get("days").asText());
        assertEquals(dataDir.resolve("dead-letter").resolve("dead-letters.jsonl"), log.file());
    }

    @Test
    void parkedRowsAreReadableByTheServiceAccountOnly() throws Exception {
        // Dead letters are whole rows, note text included.
        assumeTrue(dataDir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        DeadLetterLog log = new DeadLetterLog(dataDir, mapper, Clock.systemUTC());
        log.park(List.of(new EventOutcome(TestEvents.doctorNote(Input.WEBHOOK, Op.CREATE, 50, "a", 1), Outcome.DEAD_LETTER, "key conflict")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log.file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log.file().getParent())));
        log.rewrite(log.readAll());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log.file())));
    }

    @Test
    void purgingRemovesWhatWasParkedBeforeTheCutoffAndKeepsTheRest() throws Exception {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(start);
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        DeadLetterLog log = new DeadLetterLog(dataDir, mapper, clock);
        log.parkRaw(Input.POLL, "old", mapper.createObjectNode());
        now.set(start.plus(Duration.ofDays(40)));
        log.parkRaw(Input.CDC, "recent", mapper.createObjectNode());

        assertEquals(0, log.purgeParkedBefore(start));
        assertEquals(1, log.purgeParkedBefore(start.plus(Duration.ofDays(30))));
        assertEquals(List.of("recent"), log.readAll().stream().map(DeadLetterLog.Entry::reason).toList());
        assertEquals(0, new DeadLetterLog(dataDir.resolve("elsewhere"), mapper, clock).purgeParkedBefore(start), "no file, nothing to purge");
    }

    @Test
    void theDeadLetterGaugeFollowsParkingAndARewrite() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        DeadLetterLog log = new DeadLetterLog(dataDir, mapper, Clock.systemUTC());
        log.registerMetrics(registry);
        java.util.function.DoubleSupplier gauge = () -> registry.get("aligner_sync_dead_letters").gauge().value();
        assertEquals(0, gauge.getAsDouble(), "no file yet");
        log.park(List.of(new EventOutcome(TestEvents.doctorNote(Input.WEBHOOK, Op.CREATE, 50, "a", 1), Outcome.DEAD_LETTER, "key conflict"),
                new EventOutcome(TestEvents.doctorNote(Input.POLL, Op.CREATE, 51, "b", 1), Outcome.DEAD_LETTER, "key conflict")));
        assertEquals(2, gauge.getAsDouble());
        log.rewrite(log.readAll().subList(0, 1)); // what a replay does with what still fails
        assertEquals(1, gauge.getAsDouble());
    }

    @Test
    void replacingTheReplayedEntriesKeepsWhatWasParkedAfterThem() throws Exception {
        DeadLetterLog log = new DeadLetterLog(dataDir, mapper, Clock.systemUTC());
        log.parkRaw(Input.POLL, "first", mapper.createObjectNode());
        log.parkRaw(Input.CDC, "second", mapper.createObjectNode());
        List<DeadLetterLog.Entry> replayed = log.readAll();
        // Parked by an input while the replay was in the sink (the console replays inside the running daemon).
        log.parkRaw(Input.WEBHOOK, "parked meanwhile", mapper.createObjectNode());

        log.replaceFirst(replayed.size(), List.of(replayed.get(1)));

        assertEquals(List.of("second", "parked meanwhile"), log.readAll().stream().map(DeadLetterLog.Entry::reason).toList());
    }
}
