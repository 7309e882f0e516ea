package com.alignersync.source.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the slot health raises the alarm, and that the poller is asked for a catch-up once per alarm, not per check. */
class SlotAlarmTest {

    @TempDir
    Path dataDir;

    private final AtomicInteger catchUps = new AtomicInteger();
    private final AtomicReference<Object> reading = new AtomicReference<>();

    private CdcInput input() {
        SlotReader reader = () -> {
            Object next = reading.get();
            if (next instanceof SQLException e) {
                throw e;
            }
            return (SlotHealth) next;
        };
        return new CdcInput(CdcRig.config("postgresql://u:p@localhost:1/db", "aligner_sync", Map.of()), dataDir, null, null,
                catchUps::incrementAndGet, Clock.systemUTC(), CommitHook.NONE, reader);
    }

    private static SlotHealth slot(String walStatus) {
        return new SlotHealth("aligner_sync", true, true, walStatus, "0/153B568", 4096L, Instant.now());
    }

    @Test
    void aLostSlotRaisesOneAlarmAndOneCatchUpUntilItIsHealthyAgain() {
        CdcInput input = input();
        reading.set(slot("lost"));
        input.checkSlot(true);
        input.checkSlot(true);
        input.checkSlot(false);

        assertEquals(1, catchUps.get(), "one catch-up per alarm, not per check");
        String alarm = (String) input.statusSnapshot().get("alarm");
        assertTrue(alarm.contains("LOST") && alarm.contains("pg_drop_replication_slot('aligner_sync')"), alarm);

        reading.set(slot("reserved"));
        input.checkSlot(true);
        assertNull(input.statusSnapshot().get("alarm"));
        assertEquals(alarm, input.statusSnapshot().get("lastAlarm"), "the last alarm stays visible");

        reading.set(slot("lost"));
        input.checkSlot(true);
        assertEquals(2, catchUps.get(), "a new alarm asks again");
    }

    @Test
    void aMissingSlotIsAnAlarmOnlyWhenAPositionIsStored() {
        CdcInput input = input();
        reading.set(SlotHealth.missing("aligner_sync", Instant.now()));
        input.checkSlot(false);
        assertEquals(0, catchUps.get());
        assertNull(input.statusSnapshot().get("alarm"));

        input.checkSlot(true);
        assertEquals(1, catchUps.get());
        assertTrue(((String) input.statusSnapshot().get("alarm")).contains("MISSING"));
    }

    @Test
    void anUnreachablePostgresIsNeitherAnAlarmNorAHealthyReading() {
        CdcInput input = input();
        reading.set(slot("lost"));
        input.checkSlot(true);
        reading.set(new SQLException("Connection refused"));

        assertNull(input.checkSlot(true));
        assertEquals(1, catchUps.get());
        assertTrue(input.statusSnapshot().get("alarm") != null, "the alarm stays until a healthy reading");
        @SuppressWarnings("unchecked")
        Map<String, Object> slot = (Map<String, Object>) input.statusSnapshot().get("slot");
        assertEquals("lost", slot.get("walStatus"), "status keeps the last reading");
    }
}
