package com.alignersync.trace;

import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.Input;
import com.alignersync.event.InvalidChangeException;
import com.alignersync.event.Op;
import com.alignersync.event.Row;
import com.alignersync.event.SourceTable;
import com.alignersync.portal.PortalReader;
import com.alignersync.sink.ClinicRows;
import com.alignersync.sink.LedgerEntry;
import com.alignersync.sink.LedgerKeys;
import com.alignersync.portal.PostgrestException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Gathers the facts of one key from the portal, SQL Server, the ledger and the decision journal into a {@link Trace}. */
public final class Tracer {

    private final PortalReader portal;
    private final ClinicRows clinic;
    private final LedgerKeys ledger;
    private final Path dataDir;
    private final ObjectMapper mapper;
    private final Clock clock;

    public Tracer(PortalReader portal, ClinicRows clinic, LedgerKeys ledger, Path dataDir, ObjectMapper mapper, Clock clock) {
        this.portal = portal;
        this.clinic = clinic;
        this.ledger = ledger;
        this.dataDir = dataDir;
        this.mapper = mapper;
        this.clock = clock;
    }

    public Trace trace(SourceTable table, long key, Trace.Delivery delivery, int historyLimit)
            throws PostgrestException, SQLException, IOException {
        List<DecisionJournal.Entry> history = DecisionJournal.history(dataDir, mapper, table, key, historyLimit);
        LedgerEntry entry = ledger.entries(table, List.of(key)).get(key);
        Trace.Ledger ledgerSide = null;
        if (entry != null) {
            DecisionJournal.Entry decided = history.stream()
                    .filter(e -> !e.notCommitted() && Objects.equals(e.version(), entry.version())).findFirst().orElse(null);
            ledgerSide = new Trace.Ledger(entry.version(), entry.tombstone(), decided == null ? null : decided.input(),
                    decided == null ? null : decided.at());
        }
        return Trace.of(table, key, portalSide(table, key), clinicSide(table, key), ledgerSide, history, delivery, clock.instant());
    }

    private Trace.Side portalSide(SourceTable table, long key) throws PostgrestException {
        JsonNode rows = portal.rowsAfter(table, null, table.keyColumn() + "=eq." + key);
        if (!rows.isArray() || rows.isEmpty()) {
            return null;
        }
        Map<String, Object> raw = mapper.convertValue(rows.get(0), mapper.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
        ChangeEvent row;
        try {
            row = ChangeEvents.of(Input.RECONCILE, table, Op.READ, null, raw);
        } catch (InvalidChangeException e) {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("unreadable", e.getMessage());
            return new Trace.Side(null, values);
        }
        return new Trace.Side(row.version(), values(table, row.after()));
    }

    private Trace.Side clinicSide(SourceTable table, long key) throws SQLException {
        Map<String, Object> values = new LinkedHashMap<>();
        if (table == SourceTable.ALIGNER_BATCHES) {
            List<ClinicRows.Batch> batches = clinic.batchesAfter(key - 1, 1);
            if (batches.isEmpty() || batches.get(0).batchId() != key) {
                return null;
            }
            values.put("days", batches.get(0).days());
        } else {
            List<ClinicRows.Note> notes = clinic.doctorNotesAfter(key - 1, 1);
            if (notes.isEmpty() || notes.get(0).noteId() != key) {
                return null;
            }
            values.put("text", textFingerprint(notes.get(0).noteText()));
            values.put("is_read", notes.get(0).isRead());
        }
        return new Trace.Side(null, values);
    }

    /** What flows back, comparable across the two sides; a note's text only as a fingerprint (no patient data in a trace). */
    static Map<String, Object> values(SourceTable table, Row row) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (table == SourceTable.ALIGNER_BATCHES) {
            values.put("days", row.integer("days"));
        } else {
            values.put("text", textFingerprint(row.text("note_text")));
            values.put("is_read", row.bool("is_read"));
        }
        return values;
    }

    static String textFingerprint(String text) {
        if (text == null) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest).substring(0, 12) + " (" + text.length() + " chars)";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
