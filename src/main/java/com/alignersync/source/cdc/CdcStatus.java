package com.alignersync.source.cdc;

import com.alignersync.event.SourcePosition;
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

    synchronized void committed(int events, int skipped, int parked, SourcePosition last) {
        eventsCommitted += events;
        recordsSkipped += skipped;
        recordsParked += parked;
        lastBatchAt = clock.instant();
        if (last != null) {
            lastCommittedLsn = last.lsnText();
            lastSourceCommitAt = last.commitTime();
        }
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

    synchronized Map<String, Object> snapshot() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("state", state.label());
        map.put("since", since.toString());
        map.put("lastError", lastError);
        map.put("lastBatchAt", text(lastBatchAt));
        map.put("lastSourceCommitAt", text(lastSourceCommitAt));
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
