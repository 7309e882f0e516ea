package com.alignersync.source.cdc;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges the slot's health: a slot that is lost, or missing while a position is stored, raises
 * the alarm (ERROR log, status) and asks the poller for a catch-up, once per alarm.
 */
final class SlotWatch {

    private static final Logger log = LoggerFactory.getLogger(SlotWatch.class);

    private final SlotReader reader;
    private final String slotName;
    private final Path offsetsFile;
    private final CdcStatus status;
    private final Runnable catchUpRequest;

    SlotWatch(SlotReader reader, String slotName, Path offsetsFile, CdcStatus status, Runnable catchUpRequest) {
        this.reader = reader;
        this.slotName = slotName;
        this.offsetsFile = offsetsFile;
        this.status = status;
        this.catchUpRequest = catchUpRequest;
    }

    /** @return the reading, or null when Postgres could not be asked (neither an alarm nor a healthy reading) */
    SlotHealth check(boolean positionStored) {
        SlotHealth health;
        try {
            health = reader.check();
        } catch (SQLException e) {
            log.warn("cdc: cannot read pg_replication_slots: {}", e.getMessage());
            return null;
        }
        status.slot(health);
        checkReplicaIdentity();
        String alarm = alarmFor(health, positionStored);
        if (alarm == null) {
            if (health.exists() && status.alarm() != null) {
                log.info("cdc: slot {} is healthy again; alarm cleared", slotName);
                status.clearAlarm();
            }
        } else if (status.raiseAlarm(alarm)) {
            log.error("cdc: ALARM: {}", alarm);
            try {
                catchUpRequest.run();
                log.error("cdc: asked the poller for a catch-up from its cursor");
            } catch (RuntimeException e) {
                log.error("cdc: the catch-up request failed: {}", e.getMessage());
            }
        }
        return health;
    }

    /**
     * A table whose replica identity is not FULL sends updates without the old row and deletes
     * with only the key (a portal migration that re-creates a table resets it to DEFAULT). The
     * daemon still works (deletes are decided by key and ledger) but loses the old-row checks:
     * alarm (log, status, metric) until it is FULL again. No catch-up: nothing was lost.
     */
    private void checkReplicaIdentity() {
        Map<String, String> identities;
        try {
            identities = reader.replicaIdentity();
        } catch (SQLException e) {
            log.warn("cdc: cannot read the replica identity of the portal tables: {}", e.getMessage());
            return;
        }
        if (identities.isEmpty()) {
            return;
        }
        List<String> notFull = new ArrayList<>();
        identities.forEach((table, identity) -> {
            if (!"f".equals(identity)) {
                notFull.add(table + " (" + label(identity) + ")");
            }
        });
        String alarm = notFull.isEmpty() ? null : "REPLICA IDENTITY is not FULL on " + String.join(", ", notFull)
                + ": updates arrive without the old row and deletes with only the key. Run connector-config/supabase-setup.sql"
                + " (ALTER TABLE ... REPLICA IDENTITY FULL) on the portal database";
        String previous = status.replicaIdentity(identities, alarm);
        if (alarm != null && !alarm.equals(previous)) {
            log.error("cdc: ALARM: {}", alarm);
        } else if (alarm == null && previous != null) {
            log.info("cdc: REPLICA IDENTITY is FULL again on both portal tables; alarm cleared");
        }
    }

    static String label(String identity) {
        return switch (identity == null ? "" : identity) {
            case "f" -> "full";
            case "d" -> "default";
            case "n" -> "nothing";
            case "i" -> "index";
            default -> String.valueOf(identity);
        };
    }

    private String alarmFor(SlotHealth health, boolean positionStored) {
        if (health.lost()) {
            return "replication slot " + slotName + " is LOST (wal_status=lost): Postgres removed WAL this daemon had not"
                    + " confirmed, so changes in that gap exist only in the tables. Drop it (SELECT pg_drop_replication_slot('"
                    + slotName + "')) so the engine creates a new one; a poll catch-up covers the gap";
        }
        if (!health.exists() && positionStored) {
            return "replication slot " + slotName + " is MISSING although " + offsetsFile + " holds a position:"
                    + " changes made since it disappeared are not in any slot. A new slot starts from now; a poll catch-up covers the gap";
        }
        return null;
    }
}
