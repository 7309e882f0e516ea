package com.alignersync.ops;

import com.alignersync.embedded.EmbeddedDefault;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.state.CorruptStateFileException;
import com.alignersync.state.DataDirectory;
import com.alignersync.state.LastVerifyStore;
import com.alignersync.state.OffsetFile;
import com.alignersync.state.PollState;
import com.alignersync.state.PollStateStore;
import com.alignersync.state.StateFileException;
import com.alignersync.state.StoredOffsets;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code data/} alone says, with no database and no daemon: the stored CDC position, the
 * poll cursors, the dead letters, and whether a daemon holds the directory. A corrupt file is
 * reported in its section and in {@link #corruptFiles()}; the other sections are still read.
 */
public final class OfflineStatus {

    static final int RECENT_DEAD_LETTERS = 3;
    private static final int MAX_REASON = 200;

    private final Path dataDir;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final List<String> corrupt = new ArrayList<>();
    private Long storedLsn;
    private boolean locked;

    public OfflineStatus(Path dataDir, ObjectMapper mapper, Clock clock) {
        this.dataDir = dataDir;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** The messages of state files that could not be read, each naming the file and the fix. */
    public List<String> corruptFiles() {
        return List.copyOf(corrupt);
    }

    /** The LSN in offsets.json, null when none is stored (or the file is corrupt); read by {@link #cdc()}. */
    public Long storedLsn() {
        return storedLsn;
    }

    /** Whether another process holds the data directory; set by {@link #lock()}. */
    public boolean locked() {
        return locked;
    }

    /**
     * Tries the lock and releases it at once. Holding it for that instant would refuse a daemon
     * starting in the same millisecond, which then says so and can be started again.
     */
    public Map<String, Object> lock() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!Files.isDirectory(dataDir)) {
            out.put("state", "not running");
            return out;
        }
        try (DataDirectory ignored = DataDirectory.lock(dataDir)) {
            out.put("state", "not running");
        } catch (DataDirectory.DataDirectoryLockedException e) {
            locked = true;
            out.put("state", "running");
            out.put("holder", holder());
        } catch (IOException e) {
            out.put("state", "unknown");
            out.put("reason", "cannot try the lock " + dataDir.resolve(DataDirectory.LOCK_FILE) + ": " + e.getMessage());
        }
        return out;
    }

    public Map<String, Object> dataDir() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", dataDir.toAbsolutePath().toString());
        out.put("exists", Files.isDirectory(dataDir));
        Path embeddedRun = dataDir.resolve("embedded").resolve(EmbeddedDefault.ENVIRONMENT_FILE);
        if (Files.isRegularFile(embeddedRun)) {
            // The status command then reads the embedded run's configuration (see StatusCommand).
            out.put("embeddedRun", embeddedRun.toString());
        }
        return out;
    }

    private String holder() {
        try {
            return Files.readString(dataDir.resolve(DataDirectory.LOCK_FILE), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    public Map<String, Object> cdc() {
        OffsetFile file = OffsetFile.inDataDir(dataDir, mapper);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("offsetsFile", file.path().toString());
        try {
            StoredOffsets stored = file.read();
            out.put("storedLsn", stored.lsn().map(StoredOffsets::lsnText).orElse(null));
            out.put("commitLsn", stored.commitLsn().map(StoredOffsets::lsnText).orElse(null));
            out.put("sourceCommitTime", stored.sourceTime().map(Object::toString).orElse(null));
            storedLsn = stored.lsn().orElse(null);
        } catch (CorruptStateFileException e) {
            corrupt.add(e.getMessage());
            out.put("error", e.getMessage());
        }
        return out;
    }

    public Map<String, Object> poll() {
        PollStateStore store = new PollStateStore(dataDir, mapper);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stateFile", store.file().toString());
        try {
            PollState state = store.load().orElse(PollState.empty());
            out.put("lastPollTime", text(state.lastPollTime()));
            Map<String, Object> cursors = new LinkedHashMap<>();
            state.cursors().forEach((name, cursor) -> {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("ts", cursor.ts().toString());
                c.put("key", cursor.key());
                cursors.put(name, c);
            });
            out.put("cursors", cursors);
            if (state.legacy()) {
                out.put("legacy", true);
                out.put("lastNotesSync", text(state.lastNotesSync()));
                out.put("lastBatchesSync", text(state.lastBatchesSync()));
            }
        } catch (StateFileException e) {
            corrupt.add(e.getMessage());
            out.put("error", e.getMessage());
        }
        return out;
    }

    public Map<String, Object> deadLetters() {
        DeadLetterLog log = new DeadLetterLog(dataDir, mapper, clock);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", log.file().toString());
        try {
            List<DeadLetterLog.Entry> entries = log.readAll();
            out.put("count", entries.size());
            List<Map<String, Object>> recent = new ArrayList<>();
            for (DeadLetterLog.Entry entry : entries.subList(Math.max(0, entries.size() - RECENT_DEAD_LETTERS), entries.size())) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("at", entry.at());
                item.put("reason", entry.reason().length() > MAX_REASON ? entry.reason().substring(0, MAX_REASON) + "..." : entry.reason());
                recent.add(item);
            }
            out.put("recent", recent);
        } catch (UncheckedIOException e) {
            String message = e.getMessage() + ": " + e.getCause().getMessage().lines().findFirst().orElse("")
                    + ". Fix the broken line (each line is one JSON object) or move the file aside";
            corrupt.add(message);
            out.put("error", message);
        }
        return out;
    }

    /** The last verify's time and result, as {@code data/last-verify.json} keeps it (a report: a broken file is shown, not fatal). */
    public Map<String, Object> verify() {
        LastVerifyStore store = new LastVerifyStore(dataDir, mapper);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", store.file().toString());
        try {
            store.load().ifPresentOrElse(last -> {
                out.put("lastVerifyTime", last.get("time"));
                out.put("result", last.get("result"));
                out.put("driftRows", last.get("driftRows"));
                out.put("compared", last.get("compared"));
                if (last.get("deleteGuard") != null) {
                    // verify --repair's deletes refused: an alarm, kept in the file until the next verify.
                    out.put("deletesRefused", last.get("deletesRefused"));
                    out.put("deleteGuard", last.get("deleteGuard"));
                }
            }, () -> out.put("result", "never run"));
        } catch (CorruptStateFileException e) {
            out.put("error", e.getMessage());
        }
        return out;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
