package com.alignersync.cli;

import com.alignersync.app.ExitCodes;

import static com.alignersync.sink.support.TestEvents.daysChange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.event.Input;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.EventOutcome;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.state.DataDirectory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLettersCommandTest {

    @TempDir
    Path dir;

    private final CommandRunner cli = new CommandRunner();

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void listShowsParkedChangesAndReplayAppliesThemOnceFixed() throws Exception {
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            Path data = dir.resolve("data");
            Path config = dir.resolve("c.properties");
            Files.writeString(config, "sqlserver.jdbc-url=" + target.jdbcUrl() + "\ndata.dir=" + data + "\n");
            new DeadLetterLog(data, new ObjectMapper(), Clock.systemUTC()).park(List.of(
                    new EventOutcome(daysChange(Input.WEBHOOK, 12044, 14, 10, 3), Outcome.DEAD_LETTER, "unknown batch: AlignerBatchID 12044")));

            assertEquals(0, run("dead-letters", "list", "--config", config.toString()));
            assertTrue(cli.out().contains("aligner_batches#12044 u from WEBHOOK: unknown batch"), cli.out());
            assertTrue(cli.out().contains("1 parked"));

            try (DataDirectory daemon = DataDirectory.lock(data)) {
                assertEquals(ExitCodes.LOCKED, run("dead-letters", "replay", "--config", config.toString()));
                assertTrue(cli.err().contains("in use by another aligner-sync"), cli.err());
            }

            target.insertBatch(12044, 3187, 14);
            assertEquals(0, run("dead-letters", "replay", "--config", config.toString()));
            assertTrue(cli.out().contains("resolved 1, still parked 0"), cli.out());
            assertEquals(10, ((Number) target.batch(12044).get("DAYS")).intValue());
        }
    }

    @Test
    void replayPicksTheDeadLettersOfAFaultThatClearedByReasonAndLeavesTheRest() throws Exception {
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            Path data = dir.resolve("data");
            Path config = dir.resolve("c.properties");
            Files.writeString(config, "sqlserver.jdbc-url=" + target.jdbcUrl() + "\ndata.dir=" + data + "\n");
            target.insertBatch(1, 3187, 14);
            target.insertBatch(2, 3187, 14);
            // An older release took an outage for refusals; one real refusal is parked beside them.
            new DeadLetterLog(data, new ObjectMapper(), Clock.systemUTC()).park(List.of(
                    new EventOutcome(daysChange(Input.CDC, 1, 14, 10, 3), Outcome.DEAD_LETTER,
                            "SQL Server refused the write (error 90067, SQLState 90067): Connection is broken"),
                    new EventOutcome(daysChange(Input.WEBHOOK, 2, 14, 21, 3), Outcome.DEAD_LETTER,
                            "SQL Server refused the write (error 50000, SQLState S0001): closed set"),
                    new EventOutcome(daysChange(Input.POLL, 3, 14, 12, 3), Outcome.DEAD_LETTER, "unknown batch: AlignerBatchID 3")));

            assertEquals(0, run("dead-letters", "replay", "--reason", "ERROR 90067", "--config", config.toString()));
            assertTrue(cli.out().contains("resolved 1, still parked 0"), cli.out());
            assertEquals(10, ((Number) target.batch(1).get("DAYS")).intValue());
            assertEquals(14, ((Number) target.batch(2).get("DAYS")).intValue(), "not picked: stays parked, not written");
            assertEquals(2, new DeadLetterLog(data, new ObjectMapper(), Clock.systemUTC()).count());

            assertEquals(0, run("dead-letters", "replay", "--since", "2000-01-01T00:00:00Z", "--until", "2001-01-01T00:00:00Z",
                    "--config", config.toString()));
            assertEquals(2, new DeadLetterLog(data, new ObjectMapper(), Clock.systemUTC()).count(), "nothing parked in that range");
        }
    }
}
