package com.alignersync.state;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code data/last-verify.json}: the summary of the last {@code verify} (time, result, counts),
 * written atomically by whichever process ran it, read by the daemon's status and metrics and
 * by the offline {@code status}. It is a report, not a position: a file that does not parse is
 * reported and otherwise ignored, and the next verify replaces it.
 */
public final class LastVerifyStore {

    public static final String FILE_NAME = "last-verify.json";

    private final Path file;
    private final ObjectMapper mapper;

    public LastVerifyStore(Path dataDir, ObjectMapper mapper) {
        this.file = dataDir.resolve(FILE_NAME);
        this.mapper = mapper.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public Path file() {
        return file;
    }

    public void save(Map<String, Object> summary) throws IOException {
        AtomicFiles.write(file, mapper.writeValueAsBytes(summary));
    }

    /**
     * @return the last summary, empty when no verify ran here yet
     * @throws CorruptStateFileException when the file exists but is not a JSON object
     */
    public Optional<Map<String, Object>> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Map<String, Object> map = mapper.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
            return Optional.ofNullable(map);
        } catch (IOException e) {
            throw new CorruptStateFileException(file, e.getMessage().lines().findFirst().orElse("unreadable"),
                    "delete it; the next 'verify' writes it again", e);
        }
    }
}
