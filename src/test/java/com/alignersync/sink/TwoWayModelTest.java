package com.alignersync.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.SinkConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.event.SourcePosition;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.sink.support.TestEvents;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A model-based test of the sink's two-way rules (DESIGN.md sections 5 and 9): random histories
 * of doctor edits in the portal (repeated values and toggles: read, unread, read; 10, 12, 10),
 * clinic edits in SQL Server, and the clinic's forward sync copying every SQL Server change back
 * to the portal (echoes included, stamped with the clinic's origin as the setup script does).
 * Each portal change is delivered by CDC (in order, replayed after a simulated crash), by a
 * webhook (maybe lost, duplicated, late, out of order) and by polls of the current rows. When
 * everything has been delivered and the forward sync is idle, SQL Server must equal the portal
 * on everything that flows back, and without a forward sync it must hold each doctor's last value.
 *
 * <p>jqwik prints the seed of a failing history; {@link #regressions} keeps the seeds that once failed.
 */
class TwoWayModelTest {

    private static final int BATCHES = 3;
    private static final int NOTES = 3;
    private static final int[] DAYS = {10, 12, 14};
    private static final String[] TEXTS = {"A", "B"};

    /** -Dmodel.trace=true prints every delivery and its outcome (for a failing seed). */
    private static final boolean TRACE = Boolean.getBoolean("model.trace");

    private static H2ClinicTarget target;
    private static Path dataDir;

    @BeforeContainer
    static void open() throws Exception {
        target = new H2ClinicTarget();
        dataDir = Files.createTempDirectory("two-way-model");
    }

    @AfterContainer
    static void close() {
        target.close();
    }

    @Property(tries = 150)
    void withTheForwardSyncSqlServerEndsEqualToThePortal(@ForAll long seed) throws Exception {
        new World(seed, true).run();
    }

    @Property(tries = 150)
    void withoutAForwardSyncSqlServerEndsAtEachDoctorsLastValue(@ForAll long seed) throws Exception {
        new World(seed, false).run();
    }

    @Example
    void regressions() throws Exception {
        for (long seed : new long[] {0L, 1L, 42L, -7L}) {
            new World(seed, true).run();
            new World(seed, false).run();
        }
    }

    /** One portal row: the values that flow back, the version, and each field's stamp. */
    private static final class PortalRow {
        final Map<String, Object> values = new LinkedHashMap<>();
        /** {@code days_changed_at} (epoch micros) and {@code days_changed_by}, and so on. */
        final Map<String, Object> stamps = new HashMap<>();
        long version;
    }

    private record Change(SourceTable table, long key, Map<String, Object> before, Map<String, Object> after) {
    }

    private static final class World {
        final Random random;
        final boolean forwardSync;
        final SqlServerSink sink;
        final Map<String, PortalRow> portal = new TreeMap<>();
        final List<Change> changes = new ArrayList<>();
        final List<Integer> webhooks = new ArrayList<>();
        final List<Map<String, Object>> forwardQueue = new ArrayList<>();
        final Map<String, Map<String, Object>> clinicSeen = new HashMap<>();
        /** Each field's last doctor value, for the run without a forward sync. */
        final Map<String, Object> doctorLast = new HashMap<>();
        int cdcCommitted;
        int cdcPos;
        long clock = TestEvents.BASE.getEpochSecond() * 1_000_000L;

        World(long seed, boolean forwardSync) throws Exception {
            this.random = new Random(seed);
            this.forwardSync = forwardSync;
            target.reset();
            Clock daemonClock = Clock.fixed(Instant.parse("2020-01-01T00:00:00Z"), ZoneOffset.UTC); // the rules may not read it
            this.sink = new SqlServerSink(target.dataSource(), target.dialect(),
                    SinkConfig.defaults().withPingPong(0, Duration.ofMinutes(2)), ZoneOffset.UTC,
                    new DeadLetterLog(dataDir, new ObjectMapper(), daemonClock), new SinkMetrics(new SimpleMeterRegistry()), daemonClock);
            for (long id = 1; id <= BATCHES; id++) {
                target.insertBatch(id, 3187, 14);
                PortalRow row = new PortalRow();
                row.values.put("days", 14L);
                stampInsert(row, "clinic", "days"); // batches are created by the clinic's forward sync
                portal.put(key(SourceTable.ALIGNER_BATCHES, id), row);
            }
            for (long id = 1; id <= NOTES; id++) {
                target.update("INSERT INTO dbo.tblAlignerNotes (NoteID, AlignerSetID, NoteType, NoteText, IsEdited, IsRead)"
                        + " VALUES (?, 3187, 'Doctor', 'A', 0, 0)", id);
                PortalRow row = new PortalRow();
                row.values.put("note_text", "A");
                row.values.put("is_read", false);
                stampInsert(row, "portal", "text", "read");
                portal.put(key(SourceTable.ALIGNER_NOTES, id), row);
            }
            snapshotClinic(); // the starting rows are no change to forward
        }

        void run() throws Exception {
            int steps = 30 + random.nextInt(50);
            for (int i = 0; i < steps; i++) {
                switch (random.nextInt(forwardSync ? 7 : 5)) {
                    case 0, 1 -> doctorEdits();
                    case 2 -> deliverCdc(1 + random.nextInt(5), random.nextInt(6) == 0);
                    case 3 -> deliverWebhook();
                    case 4 -> poll();
                    case 5 -> clinicEdits();
                    default -> forwardOne();
                }
            }
            int rounds = 0;
            while (quiesceRound()) {
                assertTrue(++rounds < 100, "still changing after 100 rounds of delivery: the two sides ping-pong");
            }
            poll();
            for (Map.Entry<String, PortalRow> entry : portal.entrySet()) {
                Map<String, Object> clinic = clinicValues(entry.getKey());
                assertEquals(entry.getValue().values, clinic, entry.getKey() + ": SQL Server differs from the portal");
            }
            if (!forwardSync) {
                doctorLast.forEach((field, value) -> {
                    String rowKey = field.substring(0, field.lastIndexOf('.'));
                    String column = field.substring(field.lastIndexOf('.') + 1);
                    assertEquals(value, portal.get(rowKey).values.get(column), field + ": not the doctor's last value");
                });
            }
        }

        /** One round of delivering everything pending; true when anything moved. */
        boolean quiesceRound() throws Exception {
            boolean moved = cdcPos < changes.size() || !webhooks.isEmpty() || !forwardQueue.isEmpty();
            deliverCdc(changes.size() - cdcPos, false);
            while (!webhooks.isEmpty()) {
                deliverWebhook();
            }
            while (!forwardQueue.isEmpty()) {
                forwardOne();
            }
            return moved;
        }

        void doctorEdits() throws Exception {
            boolean batch = random.nextBoolean();
            long id = 1 + random.nextInt(batch ? BATCHES : NOTES);
            SourceTable table = batch ? SourceTable.ALIGNER_BATCHES : SourceTable.ALIGNER_NOTES;
            Map<String, Object> set = new HashMap<>();
            if (batch) {
                set.put("days", (long) DAYS[random.nextInt(DAYS.length)]);
            } else if (random.nextBoolean()) {
                set.put("note_text", TEXTS[random.nextInt(TEXTS.length)]);
            } else {
                set.put("is_read", !(Boolean) portal.get(key(table, id)).values.get("is_read")); // a toggle
            }
            portalUpdate(table, id, set, "portal");
        }

        void clinicEdits() throws Exception {
            if (random.nextBoolean()) {
                long id = 1 + random.nextInt(BATCHES);
                target.update("UPDATE dbo.tblAlignerBatches SET Days = ? WHERE AlignerBatchID = ?", DAYS[random.nextInt(DAYS.length)], id);
            } else {
                long id = 1 + random.nextInt(NOTES);
                boolean read = Boolean.TRUE.equals(target.note(id).get("ISREAD"));
                target.update("UPDATE dbo.tblAlignerNotes SET IsRead = ? WHERE NoteID = ?", !read, id);
            }
            snapshotClinic();
        }

        /** The clinic's forward sync writes its oldest queued change to the portal, where the portal differs (as its triggers do). */
        void forwardOne() throws Exception {
            if (forwardQueue.isEmpty()) {
                return;
            }
            Map<String, Object> entry = forwardQueue.remove(0);
            SourceTable table = (SourceTable) entry.remove("$table");
            long id = (Long) entry.remove("$key");
            portalUpdate(table, id, entry, "clinic");
        }

        /** A portal UPDATE through the setup trigger: versions only increase, each changed field is stamped with its origin. */
        void portalUpdate(SourceTable table, long id, Map<String, Object> set, String origin) {
            PortalRow row = portal.get(key(table, id));
            Map<String, Object> before = fullRow(table, id, row);
            Map<String, Object> changedFields = new HashMap<>();
            set.forEach((column, value) -> {
                if (!Objects.equals(row.values.get(column), value)) {
                    changedFields.put(column, value);
                }
            });
            if (changedFields.isEmpty()) {
                return; // no real change: no new version, nothing delivered
            }
            clock += 1 + random.nextInt(2_000_000);
            row.version = Math.max(clock, row.version + 1);
            row.values.putAll(changedFields);
            for (String column : changedFields.keySet()) {
                String field = field(column);
                row.stamps.put(field + "_changed_at", row.version);
                row.stamps.put(field + "_changed_by", origin);
                if (origin.equals("portal")) {
                    doctorLast.put(key(table, id) + "." + column, changedFields.get(column));
                }
            }
            Change change = new Change(table, id, before, fullRow(table, id, row));
            changes.add(change);
            if (random.nextInt(5) > 0) { // pg_net gives up now and then
                webhooks.add(changes.size() - 1);
            }
        }

        void deliverCdc(int count, boolean crashBeforeOffset) throws Exception {
            List<ChangeEvent> events = new ArrayList<>();
            for (int i = cdcPos; i < Math.min(changes.size(), cdcPos + count); i++) {
                Change c = changes.get(i);
                events.add(ChangeEvents.of(Input.CDC, c.table(), Op.UPDATE, c.before(), c.after())
                        .withPosition(new SourcePosition(i + 1L, Instant.EPOCH)));
            }
            if (events.isEmpty()) {
                return;
            }
            apply(events);
            cdcPos += events.size();
            if (crashBeforeOffset) {
                cdcPos = cdcCommitted; // killed before the offset was stored: the engine delivers them again
            } else {
                cdcCommitted = cdcPos;
            }
        }

        void deliverWebhook() throws Exception {
            if (webhooks.isEmpty()) {
                return;
            }
            int pick = random.nextInt(webhooks.size()); // late and out of order
            // Now and then the same webhook comes twice (a retry of a proxy, a replay).
            Change c = changes.get(random.nextInt(4) == 0 ? webhooks.get(pick) : webhooks.remove(pick));
            apply(List.of(ChangeEvents.of(Input.WEBHOOK, c.table(), Op.UPDATE, c.before(), c.after())));
        }

        void poll() throws Exception {
            List<ChangeEvent> page = new ArrayList<>();
            for (Map.Entry<String, PortalRow> entry : portal.entrySet()) {
                SourceTable table = entry.getKey().startsWith("b") ? SourceTable.ALIGNER_BATCHES : SourceTable.ALIGNER_NOTES;
                long id = Long.parseLong(entry.getKey().substring(1));
                page.add(ChangeEvents.of(Input.POLL, table, Op.READ, null, fullRow(table, id, entry.getValue())));
            }
            Collections.shuffle(page, random);
            apply(page);
        }

        void apply(List<ChangeEvent> events) throws Exception {
            BatchResult result = sink.apply(events);
            if (TRACE) {
                result.outcomes().forEach(o -> System.out.println(o.event().input() + " " + o.event().describe() + " "
                        + o.event().after().values() + " -> " + o.outcome() + " " + o.detail()));
            }
            assertEquals(0, result.count(Outcome.DEAD_LETTER), "nothing of a valid history is parked: " + result.outcomes());
            snapshotClinic();
        }

        /** What the clinic's forward-sync trigger queues: every real change of SQL Server, the daemon's writes included. */
        void snapshotClinic() throws Exception {
            for (String rowKey : portal.keySet()) {
                Map<String, Object> now = clinicValues(rowKey);
                Map<String, Object> seen = clinicSeen.put(rowKey, now);
                if (seen != null && !seen.equals(now) && forwardSync) {
                    Map<String, Object> entry = new HashMap<>(now);
                    entry.put("$table", rowKey.startsWith("b") ? SourceTable.ALIGNER_BATCHES : SourceTable.ALIGNER_NOTES);
                    entry.put("$key", Long.parseLong(rowKey.substring(1)));
                    forwardQueue.add(entry);
                }
            }
        }

        Map<String, Object> clinicValues(String rowKey) throws Exception {
            long id = Long.parseLong(rowKey.substring(1));
            Map<String, Object> values = new LinkedHashMap<>();
            if (rowKey.startsWith("b")) {
                values.put("days", ((Number) target.batch(id).get("DAYS")).longValue());
            } else {
                Map<String, Object> note = target.note(id);
                values.put("note_text", note.get("NOTETEXT"));
                values.put("is_read", note.get("ISREAD"));
            }
            return values;
        }

        void stampInsert(PortalRow row, String origin, String... fields) {
            clock += 1_000;
            row.version = clock;
            for (String field : fields) {
                row.stamps.put(field + "_changed_at", row.version);
                row.stamps.put(field + "_changed_by", origin);
            }
        }

        /** The row as an input carries it: the values, the version and the stamps (as timestamps). */
        static Map<String, Object> fullRow(SourceTable table, long id, PortalRow row) {
            Map<String, Object> out = new HashMap<>();
            out.put(table.keyColumn(), id);
            out.put("updated_at", ChangeEvents.fromMicros(row.version).toString());
            out.put("created_at", TestEvents.BASE.toString());
            out.putAll(row.values);
            for (Map.Entry<String, Object> e : row.stamps.entrySet()) {
                Object value = e.getKey().endsWith("_changed_at") ? ChangeEvents.fromMicros((Long) e.getValue()).toString() : e.getValue();
                out.put(e.getKey(), value);
            }
            if (table == SourceTable.ALIGNER_NOTES) {
                out.put("aligner_set_id", 3187L);
                out.put("note_type", "Doctor");
                out.put("is_edited", false);
                out.put("edited_at", null);
            } else {
                out.put("aligner_set_id", 3187L);
            }
            return out;
        }

        static String field(String column) {
            return switch (column) {
                case "days" -> "days";
                case "note_text" -> "text";
                case "is_read" -> "read";
                default -> throw new IllegalArgumentException(column);
            };
        }

        static String key(SourceTable table, long id) {
            return (table == SourceTable.ALIGNER_BATCHES ? "b" : "n") + id;
        }
    }
}
