package com.alignersync.state;

import com.alignersync.state.PollState.StoredCursor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code data/reverse-sync-state.json}: the poll cursors, written atomically after every
 * committed page. A file in the earlier Node.js poller's shape
 * ({@code {"lastNotesSync", "lastBatchesSync", "lastPollTime"}}) is read and upgraded on the
 * next save; anything else that does not parse is refused, never silently reset.
 */
public final class PollStateStore {

    public static final String FILE_NAME = "reverse-sync-state.json";
    private static final int FORMAT = 2;

    private final Path file;
    private final ObjectMapper mapper;

    public PollStateStore(Path dataDir, ObjectMapper mapper) {
        this.file = dataDir.resolve(FILE_NAME);
        this.mapper = mapper.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public Path file() {
        return file;
    }

    /**
     * @return empty when there is no file yet
     * @throws StateFileException when the file exists but is not a state file we can trust
     */
    public Optional<PollState> load() throws StateFileException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            byte[] bytes = Files.readAllBytes(file);
            root = bytes.length == 0 ? null : mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw corrupt("it is not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new StateFileException("cannot read the poll state file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw corrupt("it is empty or not a JSON object", null);
        }
        Instant lastNotes = instant(root, "lastNotesSync");
        Instant lastBatches = instant(root, "lastBatchesSync");
        Instant lastPoll = instant(root, "lastPollTime");
        JsonNode cursorsNode = root.get("cursors");
        if (cursorsNode == null || cursorsNode.isNull()) {
            if (!root.has("lastNotesSync") && !root.has("lastBatchesSync")) {
                throw corrupt("it has neither 'cursors' nor the Node.js poller's 'lastNotesSync'/'lastBatchesSync'", null);
            }
            return Optional.of(new PollState(Map.of(), lastNotes, lastBatches, lastPoll, true));
        }
        if (!cursorsNode.isObject()) {
            throw corrupt("'cursors' is not an object", null);
        }
        Map<String, StoredCursor> cursors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = cursorsNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            cursors.put(entry.getKey(), cursor(entry.getKey(), entry.getValue()));
        }
        return Optional.of(new PollState(cursors, lastNotes, lastBatches, lastPoll, false));
    }

    public void save(PollState state) throws IOException {
        ObjectNode root = mapper.createObjectNode();
        // The Node.js poller's keys first, so a human (or that poller) finds them where they were.
        putInstant(root, "lastNotesSync", state.lastNotesSync());
        putInstant(root, "lastBatchesSync", state.lastBatchesSync());
        putInstant(root, "lastPollTime", state.lastPollTime());
        root.put("format", FORMAT);
        ObjectNode cursors = root.putObject("cursors");
        state.cursors().forEach((name, cursor) -> {
            ObjectNode node = cursors.putObject(name);
            node.put("ts", cursor.ts().toString());
            if (cursor.key() == null) {
                node.putNull("key");
            } else {
                node.put("key", cursor.key());
            }
        });
        AtomicFiles.write(file, mapper.writeValueAsBytes(root));
    }

    /**
     * Starts over on purpose: the current file is kept beside it as {@code .reset-<time>} and,
     * with {@code since}, every cursor named is set to that instant; without it the file is
     * gone and the next poll starts from the configured look-back.
     *
     * @return where the previous file was moved, if there was one
     */
    public Optional<Path> reset(Instant since, Iterable<String> cursorNames, Instant now) throws IOException {
        Optional<Path> backup = Optional.empty();
        if (Files.exists(file)) {
            Path moved = file.resolveSibling(FILE_NAME + ".reset-" + now.toString().replace(':', '-'));
            AtomicFiles.move(file, moved);
            backup = Optional.of(moved);
        }
        if (since != null) {
            Map<String, StoredCursor> cursors = new LinkedHashMap<>();
            for (String name : cursorNames) {
                cursors.put(name, new StoredCursor(since, null));
            }
            save(new PollState(cursors, since, since, null, false));
        }
        return backup;
    }

    private StoredCursor cursor(String name, JsonNode node) throws StateFileException {
        if (!node.isObject()) {
            throw corrupt("cursor '" + name + "' is not an object", null);
        }
        Instant ts = instant(node, "ts");
        if (ts == null) {
            throw corrupt("cursor '" + name + "' has no 'ts'", null);
        }
        JsonNode key = node.get("key");
        if (key != null && !key.isNull() && !(key.isIntegralNumber() && key.canConvertToLong())) {
            throw corrupt("cursor '" + name + "' has a 'key' that is not an integer", null);
        }
        return new StoredCursor(ts, key == null || key.isNull() ? null : key.asLong());
    }

    private Instant instant(JsonNode parent, String field) throws StateFileException {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw corrupt("'" + field + "' is not an ISO-8601 timestamp string", null);
        }
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw corrupt("'" + field + "' is '" + node.asText() + "', not an ISO-8601 UTC timestamp", e);
        }
    }

    private static void putInstant(ObjectNode node, String field, Instant value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.toString());
        }
    }

    private StateFileException corrupt(String why, Throwable cause) {
        return new StateFileException("the poll state file " + file + " is corrupt: " + why + ". Refusing to guess the cursors:"
                + " fix or restore the file, or start over on purpose with 'aligner-sync poll --reset-cursor [--since <ISO time>]'", cause);
    }
}
