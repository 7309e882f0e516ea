package com.alignersync.reconcile;

import com.alignersync.status.StatusSource;
import com.alignersync.state.CorruptStateFileException;
import com.alignersync.state.LastVerifyStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last verify, whichever process ran it (the {@code verify} command writes
 * {@code data/last-verify.json}): the {@code verify} part of the status, and the gauge
 * {@code aligner_sync_verify_drift_rows} (NaN until a verify ran) that the alert rules watch.
 */
public final class VerifyStatus implements StatusSource {

    public static final String DRIFT_GAUGE = "aligner_sync_verify_drift_rows";

    private final LastVerifyStore store;

    public VerifyStatus(LastVerifyStore store) {
        this.store = store;
    }

    public VerifyStatus register(MeterRegistry registry) {
        Gauge.builder(DRIFT_GAUGE, this, VerifyStatus::driftRows)
                .description("Rows the last verify found different, missing or extra in SQL Server (NaN: no verify yet)")
                .register(registry);
        return this;
    }

    double driftRows() {
        try {
            return store.load().map(s -> s.get("driftRows")).filter(Number.class::isInstance)
                    .map(n -> ((Number) n).doubleValue()).orElse(Double.NaN);
        } catch (CorruptStateFileException e) {
            return Double.NaN;
        }
    }

    @Override
    public String statusName() {
        return "verify";
    }

    @Override
    public Map<String, Object> statusSnapshot() {
        return snapshot(store);
    }

    /** Also what the offline {@code status} shows. */
    public static Map<String, Object> snapshot(LastVerifyStore store) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", store.file().toString());
        Optional<Map<String, Object>> last;
        try {
            last = store.load();
        } catch (CorruptStateFileException e) {
            out.put("state", "unknown");
            out.put("error", e.getMessage());
            return out;
        }
        if (last.isEmpty()) {
            out.put("state", "never run");
            out.put("lastVerify", null);
            return out;
        }
        Map<String, Object> summary = last.get();
        out.put("state", String.valueOf(summary.get("result")));
        out.put("lastVerifyTime", summary.get("time"));
        out.put("lastVerify", summary);
        List<String> warnings = new ArrayList<>();
        if (summary.get("deleteGuard") instanceof Map<?, ?> guard) {
            warnings.add("the last verify --repair (" + summary.get("time") + ") had " + summary.get("deletesRefused")
                    + " delete(s) refused by the delete guard (" + guard.get("cause") + "): " + guard.get("message"));
        }
        if ("drift".equals(summary.get("result"))) {
            warnings.add("the last verify (" + summary.get("time") + ") found " + summary.get("driftRows")
                    + " row(s) of drift between the portal and SQL Server: run 'aligner-sync verify' for the keys, 'verify --repair' to fix");
        }
        if (!warnings.isEmpty()) {
            out.put("warnings", warnings);
        }
        return out;
    }
}
