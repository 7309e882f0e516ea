package com.alignersync.sink;

import static com.alignersync.sink.support.TestEvents.daysChange;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alignersync.config.SinkConfig;
import com.alignersync.event.Input;
import com.alignersync.sink.support.H2ClinicTarget;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterReplayTest {

    @TempDir
    Path dataDir;

    @Test
    void replayAppliesWhatNowFitsAndKeepsTheRestParked() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            DeadLetterLog deadLetters = new DeadLetterLog(dataDir, mapper, Clock.systemUTC());
            SqlServerSink sink = new SqlServerSink(target.dataSource(), target.dialect(), SinkConfig.defaults(), ZoneOffset.UTC,
                    deadLetters, new SinkMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
            sink.apply(List.of(daysChange(Input.WEBHOOK, 100, 14, 10, 2), daysChange(Input.WEBHOOK, 200, 14, 7, 2)));
            deadLetters.parkRaw(Input.POLL, "after.days: expected an integer", mapper.readTree("{\"days\":\"x\"}"));
            assertEquals(3, deadLetters.count());

            target.insertBatch(100, 3187, 14); // the operator fixed batch 100; 200 is still unknown
            DeadLetterReplay.Result result = new DeadLetterReplay(deadLetters, sink, mapper).replay();

            assertEquals(1, result.resolved());
            assertEquals(1, result.stillParked());
            assertEquals(1, result.notReplayable());
            assertEquals(10, ((Number) target.batch(100).get("DAYS")).intValue());
            List<DeadLetterLog.Entry> left = deadLetters.readAll();
            assertEquals(2, left.size());
            assertEquals(200, left.stream().filter(e -> e.event() != null).findFirst().orElseThrow().event().get("key").asLong());

            DeadLetterReplay.Result again = new DeadLetterReplay(deadLetters, sink, mapper).replay();
            assertEquals(0, again.resolved());
            assertEquals(2, deadLetters.count(), "a second replay neither loses nor duplicates entries");
        }
    }
}
