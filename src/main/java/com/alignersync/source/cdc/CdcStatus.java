package com.alignersync.source.cdc;

import com.alignersync.event.SourceTable;
import com.alignersync.event.SourcePosition;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The CDC input's live state, written by the engine threads and read by status; never row contents. */
final class CdcStatus {

    private final Clock clock;
    private CdcState state = CdcState.STOPPED;
    private Instant since;
    private String lastError;
    private Instant lastBatchAt;
    private Instant lastSourceCommitAt;
    private Instant committedUpTo;
    private String lastCommittedLsn;
    private long eventsCommitted;
    private long recordsSkipped;
    private long recordsParked;
    private long restarts;
    private SlotHealth slot;
    private String alarm;
    private Instant alarmSince;
    private String lastAlarm;
    private Map<String, String> replicaIdentity = Map.of();
    private String replicaIdentityAlarm;

    CdcStatus(Clock clock) {
        this.clock = clock;
        this.since = clock.instant();
    }

    synchronized void state(CdcState newState, String error) {
        if (newState != state) {
            state = newState;
            since = clock.instant();
        }
        if (error != null) {
            lastError = error;
        }
    }

    synchronized CdcState state() {
        return state;
    }

    synchronized void restarted() {
        restarts++;
    }

    synchronized void committed(int events, int skipped, int parked, SourcePosition last, Instant newestCommitTime) {
        if (newestCommitTime != null && (committedUpTo == null || newestCommitTime.isAfter(committedUpTo))) {
            committedUpTo = newestCommitTime;
        }
        eventsCommitted += events;
        recordsSkipped += skipped;
        recordsParked += parked;
        lastBatchAt = clock.instant();
        if (last != null) {
            lastCommittedLsn = last.lsnText();
            lastSourceCommitAt = last.commitTime();
        }
    }

    /** The portal commit time of the newest record (a change or a heartbeat) whose batch is handled: everything before it is in SQL Server. */
    synchronized Instant committedUpTo() {
        return committedUpTo;
    }

    synchronized void slot(SlotHealth health) {
        slot = health;
    }

    /** @return true when this alarm is new (not already raised) */
    synchronized boolean raiseAlarm(String text) {
        boolean fresh = alarm == null;
        alarm = text;
        lastAlarm = text;
        if (fresh) {
            alarmSince = clock.instant();
        }
        return fresh;
    }

    /** @return the replica-identity alarm before this reading (null when there was none) */
    synchronized String replicaIdentity(Map<String, String> identities, String alarm) {
        String previous = replicaIdentityAlarm;
        replicaIdentity = Map.copyOf(identities);
        replicaIdentityAlarm = alarm;
        return previous;
    }

    /** 1 when the table's replica identity is FULL, 0 when not, NaN before the first reading. */
    synchronized double replicaIdentityFull(String table) {
        String identity = replicaIdentity.get(table);
        return identity == null ? Double.NaN : "f".equals(identity) ? 1 : 0;
    }

    synchronized void clearAlarm() {
        alarm = null;
        alarmSince = null;
    }

    synchronized String alarm() {
        return alarm;
    }

    synchronized long eventsCommitted() {
        return eventsCommitted;
    }

    /** The {@code wal_status} label values of {@code aligner_sync_cdc_slot_wal_status}; "missing" when the slot does not exist. */
    static final java.util.List<String> WAL_STATUSES = java.util.List.of("reserved", "extended", "unreserved", "lost", "missing");

    /**
     * The CDC gauges, read from this state at scrape time so /metrics and status never disagree.
     * Every label value is registered up front (0 when not current): a series that appears only
     * when something goes wrong cannot be told apart from a daemon that never exported it.
     */
    void registerMetrics(MeterRegistry registry) {
        Gauge.builder("aligner_sync_cdc_streaming", this, s -> s.state() == CdcState.STREAMING ? 1 : 0)
                .description("1 while the CDC input streams from the replication slot, else 0")
                .register(registry);
        for (CdcState each : CdcState.values()) {
            Gauge.builder("aligner_sync_cdc_state", this, s -> s.state() == each ? 1 : 0)
                    .description("1 for the CDC input's current state")
                    .tag("state", each.label())
                    .register(registry);
        }
        FunctionCounter.builder("aligner_sync_cdc_restarts", this, s -> s.restarts())
                .description("Engine restarts after Postgres was unreachable or the connection dropped")
                .register(registry);
        Gauge.builder("aligner_sync_cdc_slot_lag_bytes", this, s -> s.slotLagBytes())
                .description("WAL the server retains for the slot (current LSN minus restart_lsn), at the last slot check")
                .register(registry);
        for (String walStatus : WAL_STATUSES) {
            Gauge.builder("aligner_sync_cdc_slot_wal_status", this, s -> walStatus.equals(s.walStatus()) ? 1 : 0)
                    .description("1 for the slot's wal_status at the last slot check (missing: no such slot)")
                    .tag("wal_status", walStatus)
                    .register(registry);
        }
        Gauge.builder("aligner_sync_cdc_slot_alarm", this, s -> s.alarm() == null ? 0 : 1)
                .description("1 while the slot alarm is raised (slot lost, or missing while offsets exist)")
                .register(registry);
        Gauge.builder("aligner_sync_cdc_last_batch_timestamp_seconds", this, s -> s.lastBatchEpochSeconds())
                .description("When the CDC input last committed a batch to the sink, in seconds since the epoch (0: never)")
                .register(registry);
        for (SourceTable table : SourceTable.values()) {
            Gauge.builder("aligner_sync_cdc_replica_identity_full", this, s -> s.replicaIdentityFull(table.tableName()))
                    .description("1 when the portal table has REPLICA IDENTITY FULL, 0 when not (read by the slot check)")
                    .tag("table", table.tableName())
                    .register(registry);
        }
    }

    private synchronized long restarts() {
        return restarts;
    }

    private synchronized double slotLagBytes() {
        return slot == null || slot.retainedWalBytes() == null ? Double.NaN : slot.retainedWalBytes();
    }

    private synchronized String walStatus() {
        if (slot == null) {
            return null;
        }
        return slot.exists() ? slot.walStatus() : "missing";
    }

    private synchronized double lastBatchEpochSeconds() {
        return lastBatchAt == null ? 0 : lastBatchAt.toEpochMilli() / 1000.0;
    }

    synchronized Map<String, Object> snapshot() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("state", state.label());
        map.put("since", since.toString());
        map.put("lastError", lastError);
        map.put("lastBatchAt", text(lastBatchAt));
        map.put("lastSourceCommitAt", text(lastSourceCommitAt));
        map.put("committedUpTo", text(committedUpTo));
        map.put("lastCommittedLsn", lastCommittedLsn);
        map.put("eventsCommitted", eventsCommitted);
        map.put("recordsSkipped", recordsSkipped);
        map.put("recordsParked", recordsParked);
        map.put("restarts", restarts);
        map.put("slot", slot == null ? null : slot.toMap());
        map.put("alarm", alarm);
        map.put("alarmSince", text(alarmSince));
        map.put("lastAlarm", lastAlarm);
        Map<String, String> identities = new LinkedHashMap<>();
        replicaIdentity.forEach((table, identity) -> identities.put(table, SlotWatch.label(identity)));
        map.put("replicaIdentity", identities);
        map.put("replicaIdentityAlarm", replicaIdentityAlarm);
        if (replicaIdentityAlarm != null) {
            // Status' summary gathers every part's warnings: degraded while the alarm stands.
            map.put("warnings", java.util.List.of(replicaIdentityAlarm));
        }
        return map;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
