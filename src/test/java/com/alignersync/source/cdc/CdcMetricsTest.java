package com.alignersync.source.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The CDC gauges read the same state status shows, every label value present from the start. */
class CdcMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CdcStatus status = new CdcStatus(Clock.systemUTC());

    private double gauge(String name, String tag, String value) {
        return tag == null ? registry.get(name).gauge().value() : registry.get(name).tag(tag, value).gauge().value();
    }

    private double walStatus(String value) {
        return gauge("aligner_sync_cdc_slot_wal_status", "wal_status", value);
    }

    @Test
    void stateAndSlotHealthAsGauges() {
        status.registerMetrics(registry);
        assertEquals(0, gauge("aligner_sync_cdc_streaming", null, null));
        assertEquals(1, gauge("aligner_sync_cdc_state", "state", "stopped"));
        assertTrue(Double.isNaN(gauge("aligner_sync_cdc_slot_lag_bytes", null, null)), "no slot reading yet");
        for (String value : CdcStatus.WAL_STATUSES) {
            assertEquals(0, walStatus(value), value + " before the first slot check");
        }

        status.state(CdcState.STREAMING, null);
        status.slot(new SlotHealth("s", true, true, "reserved", "0/1", 4096L, Instant.now()));
        assertEquals(1, gauge("aligner_sync_cdc_streaming", null, null));
        assertEquals(1, gauge("aligner_sync_cdc_state", "state", "streaming"));
        assertEquals(0, gauge("aligner_sync_cdc_state", "state", "stopped"));
        assertEquals(4096, gauge("aligner_sync_cdc_slot_lag_bytes", null, null));
        assertEquals(1, walStatus("reserved"));

        status.slot(new SlotHealth("s", true, false, "lost", "0/1", 9000L, Instant.now()));
        status.raiseAlarm("lost");
        assertEquals(0, walStatus("reserved"));
        assertEquals(1, walStatus("lost"));
        assertEquals(1, gauge("aligner_sync_cdc_slot_alarm", null, null));

        status.slot(SlotHealth.missing("s", Instant.now()));
        assertEquals(1, walStatus("missing"));
        assertEquals(0, walStatus("lost"));

        status.state(CdcState.RESTARTING, "connection refused");
        status.restarted();
        assertEquals(0, gauge("aligner_sync_cdc_streaming", null, null));
        assertEquals(1, registry.get("aligner_sync_cdc_restarts").functionCounter().count());
        assertEquals(0, gauge("aligner_sync_cdc_last_batch_timestamp_seconds", null, null), "no batch yet");
    }
}
