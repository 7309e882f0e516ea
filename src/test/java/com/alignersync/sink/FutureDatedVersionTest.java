package com.alignersync.sink;

import static com.alignersync.sink.support.TestEvents.doctorNote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.alignersync.config.SinkConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.sink.support.TestEvents;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row dated hours ahead (a client clock ahead, before the setup trigger stamped inserts) keeps
 * ordering by the portal's versions alone: the setup trigger dates the next edit one microsecond
 * after it, so the sink needs no cap and no clock of its own, and a late older copy never
 * reverts the edit or brings a deleted note back.
 */
class FutureDatedVersionTest {

    private static final long THREE_HOURS = 3 * 3600;

    @TempDir
    Path dataDir;

    @Test
    void aNoteDatedHoursAheadThenEditedKeepsItsEditAgainstLateOlderCopiesAndStaysDeleted() throws Exception {
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            // The daemon's clock says 100 s; nothing of the rule may depend on it.
            Clock clock = Clock.fixed(TestEvents.at(100), ZoneOffset.UTC);
            SqlServerSink sink = new SqlServerSink(target.dataSource(), target.dialect(), SinkConfig.defaults(), ZoneOffset.UTC,
                    new DeadLetterLog(dataDir, new ObjectMapper(), clock), new SinkMetrics(new SimpleMeterRegistry()), clock);
            ChangeEvent ahead = doctorNote(Input.CDC, Op.CREATE, 1, "dated three hours ahead", THREE_HOURS);
            Instant editedAt = TestEvents.at(THREE_HOURS).plusNanos(1_000); // the setup trigger: old updated_at + 1 µs
            ChangeEvent edit = note(Input.CDC, Op.UPDATE, "the doctor's edit", editedAt);

            assertEquals(Outcome.APPLIED, outcome(sink, ahead));
            assertEquals(Outcome.APPLIED, outcome(sink, edit), "the edit after a future-dated row is newer, whatever the daemon's clock");
            assertEquals(Outcome.STALE, outcome(sink, ahead.withInput(Input.WEBHOOK)), "a late webhook of the older copy");
            assertEquals(Outcome.STALE, outcome(sink, ahead.withInput(Input.POLL)), "a replayed poll page");
            assertEquals("the doctor's edit", target.note(1).get("NOTETEXT"));
            assertEquals(ChangeEvents.toMicros(editedAt), target.query("SELECT AppliedVersion FROM dbo.AlignerSyncLedger WHERE SourceKey = 1")
                    .get(0).get("APPLIEDVERSION"), "the ledger keeps the portal's version as it is, uncapped");

            ChangeEvent delete = ChangeEvents.of(Input.CDC, SourceTable.ALIGNER_NOTES, Op.DELETE, edit.after().values(), null);
            assertEquals(Outcome.APPLIED, outcome(sink, delete));
            assertEquals(Outcome.STALE, outcome(sink, edit.withInput(Input.WEBHOOK)));
            assertEquals(Outcome.STALE, outcome(sink, ahead.withInput(Input.POLL)));
            assertNull(target.note(1), "the deleted note stays deleted");
        }
    }

    private static ChangeEvent note(Input input, Op op, String text, Instant version) {
        Map<String, Object> row = TestEvents.noteRow(1, 3187, "Doctor", text, false, 0);
        row.put("updated_at", version.toString());
        row.put("is_edited", true);
        row.put("edited_at", version.toString());
        return ChangeEvents.of(input, SourceTable.ALIGNER_NOTES, op, null, row);
    }

    private static Outcome outcome(SqlServerSink sink, ChangeEvent event) throws SinkUnavailableException {
        return sink.apply(List.of(event)).outcomes().get(0).outcome();
    }
}
