package com.alignersync.reconcile;

import com.alignersync.portal.PortalReader;
import com.alignersync.config.SinkConfig;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.ClinicRows;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.LedgerKeys;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.portal.PostgrestClient;
import com.alignersync.portal.PostgrestException;
import com.alignersync.source.poll.support.FakePostgrest;
import com.alignersync.support.PortalPostgres;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A portal (real Postgres behind the PostgREST stand-in), an H2 clinic, the sink, and reconcile and verify built as the daemon builds them. */
final class ReconcileRig implements AutoCloseable {

    static final String KEY = "sb_secret_reconcile_test_0123";

    final H2ClinicTarget clinic;
    final SqlServerSink sink;
    final PortalReader portalReader;
    final LedgerKeys ledger;
    final ObjectMapper mapper = new ObjectMapper();

    ReconcileRig(FakePostgrest rest, Path dataDir, SinkConfig.DeleteMode deleteMode) throws Exception {
        clinic = new H2ClinicTarget();
        Clock clock = Clock.systemUTC();
        SinkConfig config = new SinkConfig(deleteMode, 2, Duration.ofMillis(1), Duration.ofMillis(5));
        sink = new SqlServerSink(clinic.dataSource(), clinic.dialect(), config, ZoneOffset.UTC,
                new DeadLetterLog(dataDir, mapper, clock), new SinkMetrics(new SimpleMeterRegistry()), clock);
        portalReader = new PortalReader(new PostgrestClient(rest.restUrl(), KEY, Duration.ofSeconds(10), mapper), 1000);
        ledger = new LedgerKeys(clinic.dataSource(), clinic.dialect());
    }

    Reconciler reconciler(int maxDeletePercent) {
        return reconciler(maxDeletePercent, Clock.systemUTC());
    }

    /** @param clock the daemon host's clock, which may be wrong */
    Reconciler reconciler(int maxDeletePercent, Clock clock) {
        return new Reconciler(portalReader, ledger, sink, new DeleteGuard(maxDeletePercent), clock);
    }

    Verifier verifier() {
        return new Verifier(portalReader, new ClinicRows(clinic.dataSource(), clinic.dialect(), ZoneOffset.UTC), ledger, sink,
                new DeleteGuard(10), Clock.systemUTC());
    }

    /** What an input would deliver: the portal's current rows of a table, as POLL reads through the sink. */
    void deliverAll(SourceTable table) throws PostgrestException, SinkUnavailableException {
        Long after = null;
        while (true) {
            JsonNode rows = portalReader.rowsAfter(table, after, null);
            if (rows.isEmpty()) {
                return;
            }
            List<ChangeEvent> events = new ArrayList<>();
            for (JsonNode row : rows) {
                events.add(read(table, row));
                after = row.get(table.keyColumn()).asLong();
            }
            sink.apply(events);
        }
    }

    /** One portal note as the poll would deliver it. */
    void deliverNote(PortalPostgres portal, long noteId) throws Exception {
        JsonNode rows = portalReader.rowsAfter(SourceTable.ALIGNER_NOTES, noteId - 1, "note_id=eq." + noteId);
        sink.apply(List.of(read(SourceTable.ALIGNER_NOTES, rows.get(0))));
    }

    @SuppressWarnings("unchecked")
    private ChangeEvent read(SourceTable table, JsonNode row) {
        return ChangeEvents.of(Input.POLL, table, Op.READ, null, mapper.convertValue(row, LinkedHashMap.class));
    }

    Map<String, Object> note(long id) throws Exception {
        return clinic.note(id);
    }

    @Override
    public void close() {
        clinic.close();
    }
}
