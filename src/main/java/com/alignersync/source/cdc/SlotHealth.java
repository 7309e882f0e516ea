package com.alignersync.source.cdc;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One reading of the replication slot from {@code pg_replication_slots}.
 *
 * @param walStatus         reserved, extended, unreserved or lost (PostgreSQL 13+); null when missing
 * @param retainedWalBytes  WAL the server keeps for this slot (current LSN minus restart_lsn)
 */
public record SlotHealth(String slotName, boolean exists, boolean active, String walStatus, String confirmedFlushLsn,
                         Long retainedWalBytes, Instant checkedAt) {

    public static SlotHealth missing(String slotName, Instant checkedAt) {
        return new SlotHealth(slotName, false, false, null, null, null, checkedAt);
    }

    /** The server invalidated the slot (max_slot_wal_keep_size exceeded): its changes are gone. */
    public boolean lost() {
        return "lost".equals(walStatus);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", slotName);
        map.put("exists", exists);
        map.put("active", active);
        map.put("walStatus", walStatus);
        map.put("confirmedFlushLsn", confirmedFlushLsn);
        map.put("retainedWalBytes", retainedWalBytes);
        map.put("checkedAt", checkedAt == null ? null : checkedAt.toString());
        return map;
    }
}
