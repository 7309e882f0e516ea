package com.alignersync.sink;

import com.alignersync.event.Input;
import com.alignersync.state.AtomicFiles;
import com.alignersync.state.PrivateFiles;
import com.alignersync.event.ChangeEventJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Events that can never apply, parked as JSON lines in {@code data/dead-letter/dead-letters.jsonl}
 * with the reason, so the stream goes on and an operator can fix the cause and replay them.
 * Each append is fsynced: a parked event must not vanish in a crash after its batch committed.
 * The file holds whole rows, note text included: it and its directory are the service
 * account's only ({@link PrivateFiles}).
 */
public final class DeadLetterLog {

    public static final String FILE_NAME = "dead-letters.jsonl";

    /**
     * One parked item as read back from the file: either an {@code event} (replayable through
     * {@link ChangeEventJson}) or a {@code raw} record that never became one.
     */
    public record Entry(String at, String reason, JsonNode event, JsonNode raw) {
    }

    private final Path file;
    private final ObjectMapper mapper;
    private final ChangeEventJson codec;
    private final Clock clock;

    public DeadLetterLog(Path dataDir, ObjectMapper mapper, Clock clock) {
        this.file = dataDir.resolve("dead-letter").resolve(FILE_NAME);
        this.mapper = mapper;
        this.codec = new ChangeEventJson(mapper);
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    public synchronized void park(List<EventOutcome> parked) {
        if (parked.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (EventOutcome outcome : parked) {
            lines.append(line(outcome.detail(), "event", codec.toJson(outcome.event()))).append('\n');
        }
        append(lines.toString());
    }

    /**
     * Parks input that never became an event (a CDC record or a REST row that fails
     * validation), as received, so nothing is lost and an operator can see why.
     *
     * @param input  which input received it
     * @param raw    the record as received (row values, not secrets)
     */
    public synchronized void parkRaw(Input input, String reason, JsonNode raw) {
        ObjectNode wrapper = mapper.createObjectNode();
        wrapper.put("input", input.name());
        wrapper.set("record", raw);
        append(line(reason, "raw", wrapper) + "\n");
    }

    private void append(String lines) {
        try {
            PrivateFiles.createDirectories(file.getParent());
            try (FileChannel channel = PrivateFiles.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE))) {
                ByteBuffer bytes = ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to dead-letter file " + file, e);
        }
    }

    public synchronized List<Entry> readAll() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = mapper.readTree(line);
                entries.add(new Entry(node.path("at").asText(), node.path("reason").asText(), node.get("event"), node.get("raw")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dead-letter file " + file, e);
        }
        return entries;
    }

    public int count() {
        return readAll().size();
    }

    /** The file's size and modification time when it was last counted. */
    private record Counted(long size, long modified, int count) {
    }

    private Counted counted = new Counted(0, -1, 0);

    /**
     * The number of parked items, re-read only when the file changed (size or time), since a
     * metrics scrape asks every few seconds. Also sees a replay from the CLI.
     */
    public synchronized int cachedCount() {
        if (!Files.exists(file)) {
            return 0;
        }
        try {
            java.nio.file.attribute.BasicFileAttributes attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
            if (attributes.size() != counted.size() || attributes.lastModifiedTime().toMillis() != counted.modified()) {
                counted = new Counted(attributes.size(), attributes.lastModifiedTime().toMillis(), count());
            }
            return counted.count();
        } catch (IOException | UncheckedIOException e) {
            return counted.count();
        }
    }

    /** {@code aligner_sync_dead_letters}: what waits for a replay; an alert fires when it grows. */
    public void registerMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        io.micrometer.core.instrument.Gauge.builder("aligner_sync_dead_letters", this, DeadLetterLog::cachedCount)
                .description("Changes parked in data/dead-letter/dead-letters.jsonl, waiting for a fix and a replay")
                .register(registry);
    }

    /** Replaces the whole file (atomically) with these entries, e.g. after a replay removed some. */
    public synchronized void rewrite(List<Entry> entries) {
        StringBuilder lines = new StringBuilder();
        for (Entry entry : entries) {
            ObjectNode node = mapper.createObjectNode();
            node.put("at", entry.at());
            node.put("reason", entry.reason());
            if (entry.event() != null) {
                node.set("event", entry.event());
            }
            if (entry.raw() != null) {
                node.set("raw", entry.raw());
            }
            lines.append(node).append('\n');
        }
        try {
            AtomicFiles.write(file, lines.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite dead-letter file " + file, e);
        }
    }

    /**
     * Replaces the first {@code count} entries with {@code replacement} and keeps every entry
     * after them, in one step under the log's lock: a replay inside the running daemon must not
     * lose what an input parked while the replayed events were in the sink.
     */
    public synchronized void replaceFirst(int count, List<Entry> replacement) {
        List<Entry> all = readAll();
        if (count > all.size()) {
            throw new IllegalStateException("dead-letter file " + file + " has " + all.size() + " entries, fewer than the " + count + " replayed");
        }
        List<Entry> remaining = new ArrayList<>(replacement);
        remaining.addAll(all.subList(count, all.size()));
        rewrite(remaining);
    }

    /**
     * Removes what was parked before {@code cutoff} (by its {@code at}), keeping the rest in
     * order; an entry whose time cannot be read is kept. Only with the data directory held: a
     * daemon appending meanwhile from another process would lose its line to the rewrite.
     *
     * @return how many entries were removed
     */
    public synchronized int purgeParkedBefore(Instant cutoff) {
        List<Entry> all = readAll();
        List<Entry> kept = all.stream().filter(entry -> !parkedBefore(entry, cutoff)).toList();
        if (kept.size() < all.size()) {
            rewrite(kept);
        }
        return all.size() - kept.size();
    }

    private static boolean parkedBefore(Entry entry, Instant cutoff) {
        try {
            return Instant.parse(entry.at()).isBefore(cutoff);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private String line(String reason, String kind, JsonNode body) {
        ObjectNode node = mapper.createObjectNode();
        node.put("at", clock.instant().toString());
        node.put("reason", reason);
        node.set(kind, body);
        try {
            return mapper.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
