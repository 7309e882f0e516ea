package com.alignersync.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code data/offsets.json}: the CDC position, readable by people and by the {@code status}
 * command without Debezium. Written atomically ({@link AtomicFiles}); a file that exists but
 * cannot be read is an error, never an empty start (which would silently skip or replay).
 */
public final class OffsetFile {

    public static final String FILE_NAME = "offsets.json";
    static final String FORMAT = "aligner-sync-offsets/1";

    private static final String FIX = "it holds the CDC position. Restore it from a backup, or move it away to resume from"
            + " the replication slot's confirmed position (then run a poll catch-up to cover any gap)";

    private final Path file;
    private final ObjectMapper mapper;

    public OffsetFile(Path file, ObjectMapper mapper) {
        this.file = file;
        this.mapper = mapper.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public static OffsetFile inDataDir(Path dataDir, ObjectMapper mapper) {
        return new OffsetFile(dataDir.resolve(FILE_NAME), mapper);
    }

    public Path path() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    /**
     * @return the stored offsets, empty when the file does not exist (first start)
     * @throws CorruptStateFileException when the file exists but is empty, truncated or not ours
     */
    public StoredOffsets read() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return StoredOffsets.empty();
        } catch (IOException e) {
            throw new CorruptStateFileException(file, "cannot be read: " + e.getMessage(), FIX, e);
        }
        if (content.length == 0) {
            throw new CorruptStateFileException(file, "the file is empty", FIX, null);
        }
        JsonNode root;
        try {
            root = mapper.readTree(content);
        } catch (IOException e) {
            throw new CorruptStateFileException(file, "not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), FIX, e);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText()) || !root.path("offsets").isArray()) {
            throw new CorruptStateFileException(file, "not an offsets file of format " + FORMAT, FIX, null);
        }
        List<StoredOffsets.Entry> entries = new ArrayList<>();
        for (JsonNode entry : root.get("offsets")) {
            if (!entry.isObject() || !entry.has("key") || entry.get("key").isNull()) {
                throw new CorruptStateFileException(file, "an entry has no key", FIX, null);
            }
            JsonNode value = entry.get("value");
            entries.add(new StoredOffsets.Entry(entry.get("key"), value == null || value.isNull() ? null : value));
        }
        return new StoredOffsets(entries);
    }

    /**
     * Moves the file aside (kept for the operator, never deleted) so the next start begins
     * without a position.
     *
     * @return where the file went, or null when there was none
     */
    public Path archive(String suffix) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Path aside = file.resolveSibling(file.getFileName() + "." + suffix);
        AtomicFiles.move(file, aside);
        return aside;
    }

    /** Replaces the file atomically: after a crash it holds either the old or the new offsets. */
    public void write(StoredOffsets offsets, Clock clock) throws IOException {
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("writtenAt", clock.instant().toString());
        offsets.lsn().ifPresent(lsn -> root.put("lsnText", StoredOffsets.lsnText(lsn)));
        ArrayNode list = root.putArray("offsets");
        for (StoredOffsets.Entry entry : offsets.entries()) {
            ObjectNode node = list.addObject();
            node.set("key", entry.key());
            node.set("value", entry.value());
        }
        AtomicFiles.write(file, mapper.writeValueAsBytes(root));
    }
}
