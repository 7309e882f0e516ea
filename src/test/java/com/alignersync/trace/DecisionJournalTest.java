package com.alignersync.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.EventOutcome;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.support.TestEvents;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionJournalTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant DAY_ONE = Instant.parse("2026-12-01T09:00:00Z");

    @TempDir
    Path dataDir;

    private DecisionJournal journal(long maxBytes) {
        return new DecisionJournal(dataDir, MAPPER, Clock.fixed(DAY_ONE, ZoneOffset.UTC), 2, maxBytes);
    }

    @Test
    void aKeysDecisionsComeBackNewestFirstAcrossInputsWithoutTheNoteText() throws Exception {
        DecisionJournal journal = journal(1 << 20);
        journal.committed(List.of(new EventOutcome(TestEvents.doctorNote(Input.CDC, Op.CREATE, 7, "PLANTED-PHI-7731", 1), Outcome.APPLIED,
                "note inserted")), DAY_ONE);
        journal.notCommitted(List.of(TestEvents.doctorNote(Input.WEBHOOK, Op.UPDATE, 7, "PLANTED-PHI-7731 edited", 2)),
                "SQL Server failed 5 times", DAY_ONE.plusSeconds(1));
        journal.committed(List.of(new EventOutcome(TestEvents.doctorNote(Input.POLL, Op.READ, 8, "another note", 3), Outcome.APPLIED,
                "note inserted")), DAY_ONE.plusSeconds(2));

        List<DecisionJournal.Entry> history = DecisionJournal.history(dataDir, MAPPER, SourceTable.ALIGNER_NOTES, 7, 10);
        assertEquals(List.of("NOT_COMMITTED", "APPLIED"), history.stream().map(DecisionJournal.Entry::outcome).toList());
        assertEquals(List.of("WEBHOOK", "CDC"), history.stream().map(DecisionJournal.Entry::input).toList());
        assertEquals(TestEvents.at(2), history.get(0).versionAt());
        Path file = dataDir.resolve("decisions/decisions-2026-12-01.jsonl");
        assertFalse(Files.readString(file).contains("PLANTED-PHI"), "no note text in the journal");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }

    @Test
    void oldDaysAreDeletedAndADayStopsGrowingAtItsCap() throws Exception {
        DecisionJournal journal = journal(400);
        EventOutcome applied = new EventOutcome(TestEvents.batchRead(Input.POLL, 4, 10, 1), Outcome.APPLIED, "Days 14 -> 10");
        journal.committed(List.of(applied), DAY_ONE);
        journal.committed(List.of(applied, applied, applied), DAY_ONE.plusSeconds(1)); // past the 400-byte cap: not written
        assertEquals(1, DecisionJournal.history(dataDir, MAPPER, SourceTable.ALIGNER_BATCHES, 4, 10).size());

        journal.committed(List.of(applied), DAY_ONE.plus(java.time.Duration.ofDays(3))); // two days kept
        assertFalse(Files.exists(dataDir.resolve("decisions/decisions-2026-12-01.jsonl")), "older than the retention: deleted");
        assertTrue(Files.exists(dataDir.resolve("decisions/decisions-2026-12-04.jsonl")));
    }
}
