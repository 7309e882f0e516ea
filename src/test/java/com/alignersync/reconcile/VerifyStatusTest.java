package com.alignersync.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.state.LastVerifyStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last verify as status and the drift gauge see it, whichever process ran it. */
class VerifyStatusTest {

    @TempDir
    Path dataDir;

    @Test
    void theGaugeIsTheLastVerifysDriftAndADriftIsAStatusWarning() throws Exception {
        LastVerifyStore store = new LastVerifyStore(dataDir, new ObjectMapper());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        VerifyStatus status = new VerifyStatus(store).register(registry);
        assertTrue(Double.isNaN(registry.get(VerifyStatus.DRIFT_GAUGE).gauge().value()), "no verify yet");
        assertEquals("never run", status.statusSnapshot().get("state"));

        store.save(Map.of("time", "2026-11-26T23:00:00Z", "result", "drift", "driftRows", 4));

        assertEquals(4.0, registry.get("aligner_sync_verify_drift_rows").gauge().value());
        Map<String, Object> snapshot = status.statusSnapshot();
        assertEquals("drift", snapshot.get("state"));
        assertEquals("2026-11-26T23:00:00Z", snapshot.get("lastVerifyTime"));
        assertTrue(((List<?>) snapshot.get("warnings")).get(0).toString().contains("found 4 row(s) of drift"));
    }

    @Test
    void aRepairWhoseDeletesTheGuardRefusedIsAStatusWarningNamingTheCause() throws Exception {
        LastVerifyStore store = new LastVerifyStore(dataDir, new ObjectMapper());
        VerifyStatus status = new VerifyStatus(store);
        store.save(Map.of("time", "2026-11-26T23:00:00Z", "result", "drift", "driftRows", 6, "deletesRefused", 6,
                "deleteGuard", Map.of("cause", "empty_listing", "message", "the portal listed no notes (...)")));

        List<?> warnings = (List<?>) status.statusSnapshot().get("warnings");

        assertTrue(warnings.get(0).toString().contains("6 delete(s) refused by the delete guard (empty_listing)"), warnings.toString());
        assertTrue(warnings.get(1).toString().contains("6 row(s) of drift"), warnings.toString());
    }

    @Test
    void aBrokenFileIsShownNotFatal() throws Exception {
        Files.writeString(dataDir.resolve(LastVerifyStore.FILE_NAME), "{broken");
        VerifyStatus status = new VerifyStatus(new LastVerifyStore(dataDir, new ObjectMapper()));
        assertTrue(Double.isNaN(status.driftRows()));
        assertTrue(String.valueOf(status.statusSnapshot().get("error")).contains("last-verify.json"));
    }
}
