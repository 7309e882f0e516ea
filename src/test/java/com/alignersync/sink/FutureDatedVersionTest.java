package com.alignersync.sink;

import static com.alignersync.sink.support.TestEvents.doctorNote;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alignersync.config.SinkConfig;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.sink.support.TestEvents;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A row dated hours ahead (a client clock ahead) is applied, but never makes the key's real edits look stale. */
class FutureDatedVersionTest {

    @TempDir
    Path dataDir;

    @Test
    void aFutureDatedEditDoesNotMakeTheNextRealEditOfTheNoteStale() throws Exception {
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            java.util.concurrent.atomic.AtomicReference<java.time.Instant> instant = new java.util.concurrent.atomic.AtomicReference<>(TestEvents.at(100));
            Clock now = new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public java.time.Instant instant() {
                    return instant.get();
                }
            };
            SqlServerSink sink = new SqlServerSink(target.dataSource(), target.dialect(), SinkConfig.defaults(), ZoneOffset.UTC,
                    new DeadLetterLog(dataDir, new ObjectMapper(), now), new SinkMetrics(new SimpleMeterRegistry()), now);

            assertEquals(Outcome.APPLIED, outcome(sink, doctorNote(Input.POLL, Op.UPDATE, 1, "from a clock three hours ahead", 100 + 3 * 3600)));
            assertEquals(Outcome.STALE, outcome(sink, doctorNote(Input.POLL, Op.UPDATE, 1, "an older copy", 50)), "an older copy stays older");

            instant.set(TestEvents.at(100 + 600)); // ten minutes later the doctor edits; the portal stamps its now()
            Outcome realEdit = outcome(sink, doctorNote(Input.CDC, Op.UPDATE, 1, "the doctor's real edit, ten minutes later", 100 + 600));

            assertEquals(Outcome.APPLIED, realEdit);
            assertEquals("the doctor's real edit, ten minutes later", target.note(1).get("NOTETEXT"));
        }
    }

    private static Outcome outcome(SqlServerSink sink, com.alignersync.event.ChangeEvent event) throws SinkUnavailableException {
        return sink.apply(List.of(event)).outcomes().get(0).outcome();
    }
}
