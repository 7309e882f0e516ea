package com.alignersync.trace;

import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.DecisionListener;
import com.alignersync.sink.EventOutcome;
import com.alignersync.sink.SqlErrors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's decisions, one JSON line each, in {@code data/decisions/decisions-YYYY-MM-DD.jsonl}
 * (UTC days): which input delivered which version of which key, what the sink decided, and
 * when it committed. What {@code trace} reads to answer "where is the doctor's edit?".
 *
 * <p>Bounded: files older than {@code retentionDays} are deleted when a new day's file starts,
 * and a day's file stops growing at {@code maxBytesPerDay} (logged once). No note text: keys,
 * versions, a prefix of the content hash, decisions and times only; the details are the sink's
 * own reasons with SQL Server's message left out. Readable by the service account only.
 */
public final class DecisionJournal implements DecisionListener {

    private static final Logger log = LoggerFactory.getLogger(DecisionJournal.class);

    static final String DIRECTORY = "decisions";
    static final String NOT_COMMITTED = "NOT_COMMITTED";
    private static final int HASH_PREFIX = 12;

    private final Path directory;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final int retentionDays;
    private final long maxBytesPerDay;
    private LocalDate day;
    private Writer writer;
    private long written;
    private boolean capped;

    public DecisionJournal(Path dataDir, ObjectMapper mapper, Clock clock, int retentionDays, long maxBytesPerDay) {
        this.directory = dataDir.resolve(DIRECTORY);
        this.mapper = mapper;
        this.clock = clock;
        this.retentionDays = retentionDays;
        this.maxBytesPerDay = maxBytesPerDay;
    }

    @Override
    public void committed(List<EventOutcome> outcomes, Instant at) {
        List<String> lines = new ArrayList<>(outcomes.size());
        for (EventOutcome outcome : outcomes) {
            lines.add(line(outcome.event(), outcome.outcome().name(), outcome.detail(), at));
        }
        append(lines, at);
    }

    @Override
    public void notCommitted(List<ChangeEvent> events, String reason, Instant at) {
        List<String> lines = new ArrayList<>(events.size());
        for (ChangeEvent event : events) {
            lines.add(line(event, NOT_COMMITTED, reason, at));
        }
        append(lines, at);
    }

    private String line(ChangeEvent event, String outcome, String detail, Instant at) {
        ObjectNode node = mapper.createObjectNode();
        node.put("at", at.toString());
        node.put("input", event.input().name());
        node.put("table", event.table().tableName());
        node.put("key", event.key());
        node.put("op", event.op().name());
        if (event.hasKnownVersion()) {
            node.put("version", event.version());
        }
        node.put("hash", event.contentHash().substring(0, HASH_PREFIX));
        node.put("outcome", outcome);
        node.put("detail", detail == null ? null : SqlErrors.withoutServerText(detail));
        if (event.position() != null && event.position().commitTime() != null) {
            node.put("sourceCommitAt", event.position().commitTime().toString());
        }
        return node.toString();
    }

    private synchronized void append(List<String> lines, Instant at) {
        if (lines.isEmpty()) {
            return;
        }
        try {
            LocalDate today = LocalDate.ofInstant(at, ZoneOffset.UTC);
            if (!today.equals(day)) {
                openDay(today);
            }
            if (capped) {
                return;
            }
            StringBuilder text = new StringBuilder();
            lines.forEach(line -> text.append(line).append('\n'));
            if (written + text.length() > maxBytesPerDay) {
                capped = true;
                log.warn("trace: {} reached its cap of {} bytes; today's later decisions are not journaled (trace.max-mb-per-day)",
                        file(day), maxBytesPerDay);
                return;
            }
            writer.write(text.toString());
            writer.flush();
            written += text.length();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the decision journal in " + directory, e);
        }
    }

    private void openDay(LocalDate today) throws IOException {
        if (writer != null) {
            writer.close();
        }
        Files.createDirectories(directory);
        restrict(directory, "rwx------");
        Path file = file(today);
        if (!Files.exists(file)) {
            Files.createFile(file);
            restrict(file, "rw-------");
        }
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        day = today;
        written = Files.size(file);
        capped = written >= maxBytesPerDay;
        deleteOlderThan(today.minusDays(retentionDays));
    }

    private void deleteOlderThan(LocalDate oldest) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                LocalDate of = dayOf(file);
                if (of != null && of.isBefore(oldest)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static void restrict(Path path, String permissions) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        }
    }

    private Path file(LocalDate of) {
        return directory.resolve("decisions-" + of + ".jsonl");
    }

    private static LocalDate dayOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.startsWith("decisions-") || !name.endsWith(".jsonl")) {
            return null;
        }
        try {
            return LocalDate.parse(name.substring("decisions-".length(), name.length() - ".jsonl".length()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** One journaled decision. */
    public record Entry(Instant at, String input, String table, long key, String op, Long version, String hash, String outcome,
                        String detail, Instant sourceCommitAt) {

        /** The version as the portal's time, for people. */
        public Instant versionAt() {
            return version == null ? null : ChangeEvents.fromMicros(version);
        }

        public boolean notCommitted() {
            return NOT_COMMITTED.equals(outcome);
        }
    }

    /**
     * The journaled decisions of one key, newest first, at most {@code limit}, reading the
     * day files newest first (a key's history is cheap to find while the files are small).
     */
    public static List<Entry> history(Path dataDir, ObjectMapper mapper, SourceTable table, long key, int limit) throws IOException {
        Path directory = dataDir.resolve(DIRECTORY);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Path> days;
        try (Stream<Path> files = Files.list(directory)) {
            days = files.filter(f -> dayOf(f) != null).sorted(Collections.reverseOrder()).toList();
        }
        String tableNeedle = "\"table\":\"" + table.tableName() + "\"";
        String keyNeedle = "\"key\":" + key + ",";
        List<Entry> found = new ArrayList<>();
        for (Path file : days) {
            List<Entry> ofDay = new ArrayList<>();
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.contains(keyNeedle) && line.contains(tableNeedle)) {
                        ofDay.add(entry(mapper.readTree(line)));
                    }
                }
            }
            Collections.reverse(ofDay);
            for (Entry entry : ofDay) {
                if (found.size() >= limit) {
                    return found;
                }
                found.add(entry);
            }
        }
        return found;
    }

    private static Entry entry(JsonNode node) {
        return new Entry(Instant.parse(node.path("at").asText()), node.path("input").asText(), node.path("table").asText(),
                node.path("key").asLong(), node.path("op").asText(), node.hasNonNull("version") ? node.get("version").asLong() : null,
                node.path("hash").asText(), node.path("outcome").asText(), node.hasNonNull("detail") ? node.get("detail").asText() : null,
                node.hasNonNull("sourceCommitAt") ? Instant.parse(node.get("sourceCommitAt").asText()) : null);
    }
}
