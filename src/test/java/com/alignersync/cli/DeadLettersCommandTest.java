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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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

    @Test
    void purgeDropsWhatWasParkedMoreThanTheGivenDaysAgoWhileNoDaemonHoldsTheData() throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("c.properties");
        Files.writeString(config, "sqlserver.jdbc-url=jdbc:h2:mem:unused\ndata.dir=" + data + "\n");
        Instant now = Instant.now();
        new DeadLetterLog(data, new ObjectMapper(), Clock.fixed(now.minus(Duration.ofDays(100)), ZoneOffset.UTC))
                .parkRaw(Input.POLL, "parked long ago", new ObjectMapper().createObjectNode());
        new DeadLetterLog(data, new ObjectMapper(), Clock.fixed(now.minus(Duration.ofDays(2)), ZoneOffset.UTC))
                .parkRaw(Input.CDC, "parked lately", new ObjectMapper().createObjectNode());

        try (DataDirectory daemon = DataDirectory.lock(data)) {
            assertEquals(ExitCodes.LOCKED, run("dead-letters", "purge", "--older-than", "30", "--config", config.toString()));
        }
        assertEquals(2, new DeadLetterLog(data, new ObjectMapper(), Clock.systemUTC()).count(), "nothing purged while locked");
        assertEquals(picocli.CommandLine.ExitCode.USAGE, run("dead-letters", "purge", "--config", config.toString()), "--older-than is required");

        assertEquals(0, run("dead-letters", "purge", "--older-than", "30", "--config", config.toString()));
        assertTrue(cli.out().contains("purged 1, kept 1"), cli.out());
        assertEquals(List.of("parked lately"),
                new DeadLetterLog(data, new ObjectMapper(), Clock.systemUTC()).readAll().stream().map(DeadLetterLog.Entry::reason).toList());
    }
}
