package com.alignersync.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's offsets as plain JSON: each entry is a Kafka Connect source partition (key) and
 * its offset (value), both JSON as Debezium's internal converter writes them. For Postgres the
 * value holds {@code lsn} (last event), {@code lsn_commit}, {@code txId} and {@code ts_usec}.
 */
public record StoredOffsets(List<Entry> entries) {

    /** @param value null when the offset was removed */
    public record Entry(JsonNode key, JsonNode value) {
    }

    public StoredOffsets {
        entries = List.copyOf(entries);
    }

    public static StoredOffsets empty() {
        return new StoredOffsets(List.of());
    }

    public boolean isEmpty() {
        return entries.stream().noneMatch(e -> e.value() != null && !e.value().isNull());
    }

    /** The LSN of the last event the engine confirmed as processed. */
    public Optional<Long> lsn() {
        return longField("lsn");
    }

    /** The commit LSN of the last transaction processed. */
    public Optional<Long> commitLsn() {
        return longField("lsn_commit");
    }

    /** When the transaction of the stored position committed on the source. */
    public Optional<Instant> sourceTime() {
        return longField("ts_usec").map(micros -> Instant.EPOCH.plus(micros, ChronoUnit.MICROS));
    }

    private Optional<Long> longField(String name) {
        for (Entry entry : entries) {
            if (entry.value() != null && entry.value().hasNonNull(name) && entry.value().get(name).canConvertToLong()) {
                return Optional.of(entry.value().get(name).asLong());
            }
        }
        return Optional.empty();
    }

    /** Parses Postgres' notation of an LSN, e.g. {@code 0/16B3748}. */
    public static long parseLsn(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an LSN: " + text);
        }
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    /** Postgres' notation of an LSN, e.g. {@code 0/16B3748}. */
    public static String lsnText(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    /** The engine's byte form (what Kafka Connect's offset store holds). */
    public Map<ByteBuffer, ByteBuffer> toRaw(ObjectMapper mapper) {
        Map<ByteBuffer, ByteBuffer> raw = new LinkedHashMap<>();
        for (Entry entry : entries) {
            raw.put(bytes(mapper, entry.key()), entry.value() == null || entry.value().isNull() ? null : bytes(mapper, entry.value()));
        }
        return raw;
    }

    /**
     * @throws IOException when a key or value is not JSON (only another converter than Debezium's own would do that)
     */
    public static StoredOffsets fromRaw(ObjectMapper mapper, Map<ByteBuffer, ByteBuffer> raw) throws IOException {
        List<Entry> entries = new ArrayList<>(raw.size());
        for (Map.Entry<ByteBuffer, ByteBuffer> e : raw.entrySet()) {
            if (e.getKey() == null) {
                continue;
            }
            entries.add(new Entry(mapper.readTree(text(e.getKey())), e.getValue() == null ? null : mapper.readTree(text(e.getValue()))));
        }
        return new StoredOffsets(entries);
    }

    private static ByteBuffer bytes(ObjectMapper mapper, JsonNode node) {
        try {
            return ByteBuffer.wrap(mapper.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    private static String text(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
