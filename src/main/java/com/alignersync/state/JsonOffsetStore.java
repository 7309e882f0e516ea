package com.alignersync.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's {@code offset.storage}, replacing Kafka's {@code FileOffsetBackingStore} (a
 * Java-serialized map rewritten in place, read as empty when truncated). Offsets are kept as
 * JSON in the file named by {@code offset.storage.file.filename} through {@link OffsetFile}:
 * atomic replace on every flush, refusal to start on a corrupt file.
 *
 * <p>Debezium instantiates it by class name with the no-argument constructor.
 */
public class JsonOffsetStore extends MemoryOffsetBackingStore {

    public static final String FILE_PROPERTY = "offset.storage.file.filename";

    private static final Logger log = LoggerFactory.getLogger(JsonOffsetStore.class);

    private final ObjectMapper mapper = new ObjectMapper();
    private OffsetFile file;

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Object name = config.originals().get(FILE_PROPERTY);
        if (name == null || name.toString().isBlank()) {
            throw new ConnectException(getClass().getSimpleName() + " needs " + FILE_PROPERTY);
        }
        file = new OffsetFile(Path.of(name.toString()), mapper);
    }

    @Override
    public synchronized void start() {
        super.start();
        StoredOffsets stored;
        try {
            stored = file.read();
        } catch (CorruptStateFileException e) {
            throw new ConnectException(e.getMessage(), e);
        }
        data.putAll(stored.toRaw(mapper));
        log.info("cdc: offsets loaded from {}: {}", file.path(),
                stored.lsn().map(lsn -> "LSN " + StoredOffsets.lsnText(lsn)).orElse("none (first start)"));
    }

    @Override
    protected void save() {
        try {
            file.write(StoredOffsets.fromRaw(mapper, new LinkedHashMap<>(data)), Clock.systemUTC());
        } catch (IOException e) {
            throw new ConnectException("cannot write offsets to " + file.path() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        // A key is [connectorName, partition] as Kafka Connect's internal converter writes it.
        Set<Map<String, Object>> partitions = new LinkedHashSet<>();
        for (StoredOffsets.Entry entry : storedEntries()) {
            JsonNode key = entry.key();
            if (key.isArray() && key.size() == 2 && connectorName.equals(key.get(0).asText()) && key.get(1).isObject()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> partition = mapper.convertValue(key.get(1), Map.class);
                partitions.add(partition);
            }
        }
        return partitions;
    }

    private Iterable<StoredOffsets.Entry> storedEntries() {
        try {
            return StoredOffsets.fromRaw(mapper, new LinkedHashMap<>(data)).entries();
        } catch (IOException e) {
            throw new ConnectException("offsets in memory are not JSON: " + e.getMessage(), e);
        }
    }
}
