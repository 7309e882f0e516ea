package com.alignersync.ops;

import com.alignersync.config.CdcConfig;
import com.alignersync.config.HttpListenerConfig;
import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import com.alignersync.sink.LedgerMissingException;
import com.alignersync.sink.SinkRuntime;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.source.cdc.SlotHealth;
import com.alignersync.source.cdc.SlotMonitor;
import com.alignersync.state.StoredOffsets;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the running parts say, each asked once with a short timeout: the daemon's
 * {@code /api/sync/status}, the replication slot, SQL Server. A part that does not answer is
 * {@code state: unreachable} with the reason; it never fails the {@code status} command.
 */
public final class LiveStatus {

    static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);

    private final ObjectMapper mapper;
    private final Clock clock;

    public LiveStatus(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * The daemon's own status, from its ops listener; asked only when a process holds the data
     * directory. With the operator secret the detail comes back, without it only the summary.
     *
     * @param operatorSecret null when none is configured
     */
    public Map<String, Object> daemon(HttpListenerConfig ops, String operatorSecret) {
        if (ops.port() == 0) {
            return unreachable("ops.port is 0 (a random port): the daemon's status endpoint cannot be found");
        }
        URI uri = URI.create(ops.scheme() + "://" + ops.localHost() + ":" + ops.port() + "/api/sync/status");
        HttpClient client = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).GET();
            if (operatorSecret != null && !operatorSecret.isBlank()) {
                request.header("Authorization", "Bearer " + operatorSecret);
            }
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 401) {
                return unreachable(uri + " refused the operator secret (401): run status with the daemon's http.operator-secret (OPERATOR_SECRET)");
            }
            if (response.statusCode() != 200) {
                return unreachable(uri + " answered " + response.statusCode());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("state", "reachable");
            out.put("url", uri.toString());
            out.put("status", mapper.readValue(response.body(), new TypeReference<Map<String, Object>>() { }));
            return out;
        } catch (IOException e) {
            return unreachable(uri + ": " + ErrorText.of(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable("interrupted");
        }
    }

    /**
     * The slot as {@code pg_replication_slots} shows it, and how far behind it is: the stored
     * LSN minus the confirmed one (positive while the daemon has not yet confirmed what it
     * committed), and the server's current LSN minus the confirmed one (WAL not yet consumed).
     */
    public Map<String, Object> slot(CdcConfig cdc, Long storedLsn) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            SlotHealth health = new SlotMonitor(cdc.db(), cdc.slotName(), clock).check();
            Long current = currentLsn(cdc);
            out.put("state", "reachable");
            out.putAll(health.toMap());
            out.put("currentWalLsn", current == null ? null : StoredOffsets.lsnText(current));
            Long confirmed = health.confirmedFlushLsn() == null ? null : StoredOffsets.parseLsn(health.confirmedFlushLsn());
            out.put("storedMinusConfirmedBytes", storedLsn == null || confirmed == null ? null : storedLsn - confirmed);
            out.put("currentMinusConfirmedBytes", current == null || confirmed == null ? null : current - confirmed);
            return out;
        } catch (SQLException e) {
            return unreachable(cdc.db().host() + ":" + cdc.db().port() + ": " + ErrorText.of(e));
        }
    }

    private static Long currentLsn(CdcConfig cdc) throws SQLException {
        try (Connection connection = cdc.db().connect("aligner-sync status");
             Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            return rs.next() ? StoredOffsets.parseLsn(rs.getString(1)) : null;
        }
    }

    /** SQL Server and the ledger, through the sink's own readiness check. */
    public Map<String, Object> sink(SqlServerConfig sqlServer, SinkConfig sinkConfig, Path dataDir) {
        try (SinkRuntime runtime = SinkRuntime.open(sqlServer, sinkConfig, dataDir, new SimpleMeterRegistry(), mapper, clock)) {
            runtime.sink().checkReady();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("state", "reachable");
            out.put("ledger", "present");
            out.put("dialect", runtime.database().dialect().name().toLowerCase());
            return out;
        } catch (LedgerMissingException e) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("state", "reachable");
            out.put("ledger", "missing");
            out.put("reason", e.getMessage());
            return out;
        } catch (SinkUnavailableException e) {
            return unreachable(ErrorText.withRootCause(e));
        }
    }

    static Map<String, Object> unreachable(String reason) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", "unreachable");
        out.put("reason", reason);
        return out;
    }

    static Map<String, Object> skipped(String reason) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", "skipped");
        out.put("reason", reason);
        return out;
    }
}
