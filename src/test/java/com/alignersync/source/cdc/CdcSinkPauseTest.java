package com.alignersync.source.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.SinkConfig;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.sink.support.FailingDataSource;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.state.OffsetFile;
import com.alignersync.support.PortalPostgres;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** While SQL Server is down the input pauses on the same batch and commits no offset; it resumes by itself. */
class CdcSinkPauseTest {

    static PortalPostgres portal;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startPortal() throws Exception {
        portal = PortalPostgres.startSetUp();
    }

    @AfterAll
    static void stopPortal() throws Exception {
        portal.close();
    }

    @Test
    void sqlServerDownPausesWithoutCommittingOffsetsAndResumesWhenItIsBack() throws Exception {
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            FailingDataSource clinic = new FailingDataSource(target.dataSource());
            CdcInput input = input(clinic, "pause_resume");
            try {
                input.start();
                CdcRig.await("streaming", () -> input.state() == CdcState.STREAMING);
                portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (1, 2, 'Doctor', 'first')");
                CdcRig.await("the first note lands", () -> target.note(1) != null);

                clinic.down.set(true);
                portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (2, 2, 'Doctor', 'while down')");
                CdcRig.await("the input pauses", () -> input.state() == CdcState.PAUSED_SINK_UNAVAILABLE);
                // From here the handler holds the batch: whatever is stored now must stay until SQL Server is back.
                Optional<Long> before = storedLsn();
                CdcRig.await("several retries ran", () -> clinic.refused.get() >= 4);
                assertEquals(before, storedLsn(), "no offset moved while the batch is not committed");
                assertTrue(input.statusSnapshot().get("lastError").toString().startsWith("sink unavailable"));

                clinic.down.set(false);
                CdcRig.await("the waiting note lands", () -> target.note(2) != null);
                CdcRig.await("streaming again", () -> input.state() == CdcState.STREAMING);
                CdcRig.await("the offset moves on", () -> !storedLsn().equals(before));
            } finally {
                input.stop();
            }
        }
    }

    @Test
    void aStopWhilePausedLeavesTheBatchForTheNextStart() throws Exception {
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            FailingDataSource clinic = new FailingDataSource(target.dataSource());
            CdcInput first = input(clinic, "pause_stop");
            first.start();
            CdcRig.await("streaming", () -> first.state() == CdcState.STREAMING);
            clinic.down.set(true);
            portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text) VALUES (10, 2, 'Doctor', 'pending')");
            CdcRig.await("the input pauses", () -> first.state() == CdcState.PAUSED_SINK_UNAVAILABLE);
            first.stop();
            assertEquals(CdcState.STOPPED, first.state());
            assertNull(target.note(10));

            clinic.down.set(false);
            CdcInput second = input(clinic, "pause_stop");
            try {
                second.start();
                CdcRig.await("the pending note lands after the restart", () -> target.note(10) != null);
            } finally {
                second.stop();
            }
        }
    }

    private CdcInput input(DataSource clinic, String slot) {
        DeadLetterLog deadLetters = new DeadLetterLog(dataDir, new ObjectMapper(), Clock.systemUTC());
        // One attempt per apply: the input's own pause loop is what is under test.
        SinkConfig oneAttempt = new SinkConfig(SinkConfig.DeleteMode.DELETE, 1, Duration.ofMillis(1), Duration.ofMillis(2));
        SqlServerSink sink = new SqlServerSink(clinic, com.alignersync.sink.SqlDialect.H2, oneAttempt, ZoneOffset.UTC, deadLetters,
                new SinkMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
        return new CdcInput(CdcRig.config(portal.dbUrl(), slot, Map.of()), dataDir, sink, deadLetters, () -> { },
                Clock.systemUTC(), CommitHook.NONE);
    }

    private Optional<Long> storedLsn() {
        return OffsetFile.inDataDir(dataDir, new ObjectMapper()).read().lsn();
    }
}
