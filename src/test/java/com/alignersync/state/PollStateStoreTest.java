package com.alignersync.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.state.PollState.StoredCursor;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** data/reverse-sync-state.json: round trip, the Node.js poller's shape, and refusing what cannot be trusted. */
class PollStateStoreTest {

    @TempDir
    Path dataDir;

    private static final Instant T = Instant.parse("2026-11-21T16:45:09.781223Z");

    private PollStateStore store() {
        return new PollStateStore(dataDir, new ObjectMapper());
    }

    @Test
    void noFileMeansNoState() throws Exception {
        assertEquals(Optional.empty(), store().load());
    }

    @Test
    void savedStateReadsBackWithTheNodeKeysAlongside() throws Exception {
        PollState state = new PollState(Map.of("aligner_batches.updated_at", new StoredCursor(T, 12051L),
                "aligner_notes.created_at", new StoredCursor(T.minusSeconds(60), null)), T.minusSeconds(60), T, T.plusSeconds(5), false);
        store().save(state);
        assertEquals(state, store().load().orElseThrow());
        var json = new ObjectMapper().readTree(dataDir.resolve(PollStateStore.FILE_NAME).toFile());
        assertEquals(T.toString(), json.get("lastBatchesSync").asText());
        assertEquals(List.of(PollStateStore.FILE_NAME), listing(), "written atomically: no temp file left");
    }

    @Test
    void aNodeJsPollerFileIsReadAsLegacyWatermarks() throws Exception {
        Files.writeString(dataDir.resolve(PollStateStore.FILE_NAME),
                "{\"lastNotesSync\":\"2026-11-20T10:00:00.000Z\",\"lastBatchesSync\":\"2026-11-20T11:00:00.000Z\",\"lastPollTime\":\"2026-11-20T11:00:01.000Z\"}");
        PollState state = store().load().orElseThrow();
        assertTrue(state.legacy());
        assertTrue(state.cursors().isEmpty());
        assertEquals(Instant.parse("2026-11-20T10:00:00Z"), state.lastNotesSync());
        assertEquals(Instant.parse("2026-11-20T11:00:00Z"), state.lastBatchesSync());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "[]", "{", "null", "{\"unrelated\": 1}", "{\"lastNotesSync\": 12}",
            "{\"lastNotesSync\": \"yesterday\"}", "{\"cursors\": 5}", "{\"cursors\": {\"aligner_batches.updated_at\": {\"key\": 1}}}",
            "{\"cursors\": {\"aligner_batches.updated_at\": {\"ts\": \"2026-11-20T10:00:00Z\", \"key\": \"x\"}}}",
            "{\"cursors\": {\"aligner_batches.updated_at\": {\"ts\": \"2026-11-20T10:00:00Z\", \"key\": 1.5}}}"})
    void aCorruptFileIsRefusedWithAMessageNamingItAndTheWayOut(String content) throws Exception {
        Path file = dataDir.resolve(PollStateStore.FILE_NAME);
        Files.writeString(file, content);
        StateFileException e = assertThrows(StateFileException.class, () -> store().load());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("--reset-cursor"), e.getMessage());
        assertEquals(content, Files.readString(file), "never rewritten by a failed load");
    }

    @Test
    void resetKeepsTheOldFileAsideAndOptionallySetsEveryCursor() throws Exception {
        store().save(new PollState(Map.of("aligner_batches.updated_at", new StoredCursor(T, 1L)), T, T, T, false));
        Optional<Path> backup = store().reset(null, List.of(), T);
        assertTrue(backup.isPresent() && Files.exists(backup.get()));
        assertEquals(Optional.empty(), store().load(), "next poll starts from the look-back");

        Instant since = Instant.parse("2026-11-01T00:00:00Z");
        store().reset(since, List.of("aligner_batches.updated_at", "aligner_notes.created_at"), T.plusSeconds(1));
        PollState state = store().load().orElseThrow();
        assertEquals(new StoredCursor(since, null), state.cursors().get("aligner_batches.updated_at"));
        assertEquals(new StoredCursor(since, null), state.cursors().get("aligner_notes.created_at"));
        assertFalse(state.legacy());
    }

    private List<String> listing() throws Exception {
        try (Stream<Path> files = Files.list(dataDir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
