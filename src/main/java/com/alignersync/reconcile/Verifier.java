package com.alignersync.reconcile;

import com.alignersync.status.FailureKind;
import com.alignersync.portal.PortalReader;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.Input;
import com.alignersync.event.JsonRows;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.BatchResult;
import com.alignersync.sink.ClinicRows;
import com.alignersync.sink.LedgerEntry;
import com.alignersync.sink.LedgerKeys;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.sink.Sink;
import com.alignersync.portal.PostgrestClient;
import com.alignersync.portal.PostgrestException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares every Doctor note and every batch's Days, portal against SQL Server, by walking both
 * sides in key order a page at a time (memory stays flat however many rows). With repair, the
 * portal's current row of each drifted key is sent through the sink as a repair copy (see
 * {@code DedupRules}: a copy of the applied version writes again; an older one stays stale), and
 * the extra Doctor notes the ledger wrote are deleted through it (after the {@link DeleteGuard}
 * and a re-check by key that the portal really lacks them); then everything is compared again and
 * that is the report. A guard's refusal withholds the deletes only: the repair copies still go.
 */
public final class Verifier {

    private static final Logger log = LoggerFactory.getLogger(Verifier.class);

    /** Rows per SQL Server page: a range seek on the clustered key. */
    static final int CLINIC_PAGE = 5_000;
    private static final int REPAIRS_PER_BATCH = 500;

    /** Told how far the comparison got, to show progress on a terminal. */
    public interface Progress {
        Progress NONE = (table, compared) -> { };

        void compared(String table, long rows);
    }

    /** The portal or SQL Server did not answer: no report. */
    public static final class VerifyException extends Exception {
        private final FailureKind kind;

        VerifyException(FailureKind kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }

        /** {@code rest} or {@code sink}. */
        public FailureKind kind() {
            return kind;
        }
    }

    private final PortalReader portal;
    private final ClinicRows clinic;
    private final LedgerKeys ledger;
    private final Sink sink;
    private final DeleteGuard guard;
    private final Clock clock;

    /**
     * @param sink  null when the verifier only reports (no repair)
     * @param guard what a repair's deletes pass; null when the verifier only reports
     * @param clock dates the report only: a repair's deletes are dated by the portal's clock and the ledger
     */
    public Verifier(PortalReader portal, ClinicRows clinic, LedgerKeys ledger, Sink sink, DeleteGuard guard, Clock clock) {
        this.portal = portal;
        this.clinic = clinic;
        this.ledger = ledger;
        this.sink = sink;
        this.guard = guard;
        this.clock = clock;
    }

    /** @param limit how many keys of each kind the report lists */
    public VerifyReport run(boolean repair, int limit, Progress progress) throws VerifyException {
        if (repair && (sink == null || guard == null)) {
            throw new IllegalStateException("repair needs the sink and the delete guard");
        }
        try {
            Instant startedAt = clock.instant();
            long started = System.nanoTime();
            Work work = new Work(repair);
            VerifyReport report = compare(startedAt, started, limit, progress, work);
            if (!repair || report.inSync()) {
                return logged(report);
            }
            VerifyReport.Repair done = repairDrift(report.drift(), work);
            log.info("verify: repair sent {} changes through the sink ({} applied, {} unchanged, {} not applied), {} skipped, {} deletes"
                    + " refused by the delete guard; comparing again", done.sent(), done.applied(), done.unchanged(), done.notApplied(),
                    done.skipped(), done.deletesRefused());
            VerifyReport again = compare(startedAt, started, limit, progress, new Work(false));
            return logged(new VerifyReport(again.startedAt(), again.millis(), again.notes(), again.batches(), done));
        } catch (PostgrestException e) {
            throw new VerifyException(FailureKind.REST, "the portal's REST API failed: " + e.describe(), e);
        } catch (SQLException e) {
            throw new VerifyException(FailureKind.SINK, "SQL Server failed: " + e.getMessage(), e);
        } catch (SinkUnavailableException e) {
            throw new VerifyException(FailureKind.SINK, e.getMessage(), e);
        }
    }

    private static VerifyReport logged(VerifyReport report) {
        log.info("verify {}: {} rows compared in {} ms ({} rows/s); notes: {} missing in SQL Server, {} extra, {} different;"
                        + " batches: {} missing, {} extra, {} different", report.inSync() ? "in sync" : "found drift", report.compared(),
                report.millis(), Math.round(report.rate()), report.notes().missing(), report.notes().extra(), report.notes().different(),
                report.batches().missing(), report.batches().extra(), report.batches().different());
        return report;
    }

    /** What a repair has to send, collected during the comparison (only when repairing). */
    private static final class Work {
        final boolean collect;
        final List<ChangeEvent> copies = new ArrayList<>();
        final List<Long> extraNotes = new ArrayList<>();
        int skipped;
        /** Doctor notes the portal listed, and PostgREST's count of them: what the delete guard weighs. */
        long portalNotes;
        Long portalCount;

        Work(boolean collect) {
            this.collect = collect;
        }

        /** A drifted key a repair sends the portal's row of; one the portal's row cannot fix is skipped. */
        void copy(PortalRow row) {
            if (!collect) {
                return;
            }
            if (row.event() == null) {
                skipped++;
            } else {
                copies.add(row.event());
            }
        }

        /** A drifted key a repair leaves alone. */
        void skip() {
            if (collect) {
                skipped++;
            }
        }
    }

    /** Collects one table's counts and the first keys. */
    private static final class Tally {
        final String table;
        final int limit;
        long compared;
        long inSync;
        long missing;
        long extra;
        long different;
        final List<Long> missingKeys = new ArrayList<>();
        final List<Long> extraKeys = new ArrayList<>();
        final List<VerifyReport.Difference> differences = new ArrayList<>();

        Tally(String table, int limit) {
            this.table = table;
            this.limit = limit;
        }

        void missing(long key) {
            compared++;
            missing++;
            if (missingKeys.size() < limit) {
                missingKeys.add(key);
            }
        }

        void extra(long key) {
            compared++;
            extra++;
            if (extraKeys.size() < limit) {
                extraKeys.add(key);
            }
        }

        void compared(long key, List<String> columns) {
            compared++;
            if (columns.isEmpty()) {
                inSync++;
            } else {
                different++;
                if (differences.size() < limit) {
                    differences.add(new VerifyReport.Difference(key, List.copyOf(columns)));
                }
            }
        }

        VerifyReport.Section section() {
            return new VerifyReport.Section(table, compared, inSync, missing, extra, different, List.copyOf(missingKeys),
                    List.copyOf(extraKeys), List.copyOf(differences));
        }
    }

    /** A portal row as an event (null with the reason when the row can never apply). */
    private record PortalRow(long key, ChangeEvent event, String invalid) {
    }

    private VerifyReport compare(Instant startedAt, long started, int limit, Progress progress, Work work)
            throws PostgrestException, SQLException {
        // Counted only when repairing: the count is for the delete guard, and costs the portal a count(*).
        PortalPages portalNotes = new PortalPages(SourceTable.ALIGNER_NOTES, "note_type=eq.Doctor", work.collect);
        VerifyReport.Section notes = merge(new Tally(SourceTable.ALIGNER_NOTES.tableName(), limit), portalNotes,
                new ClinicPages<>(after -> clinic.doctorNotesAfter(after, CLINIC_PAGE), ClinicRows.Note::noteId), NOTES, progress, work);
        work.portalNotes = portalNotes.listed();
        work.portalCount = portalNotes.portalCount();
        VerifyReport.Section batches = merge(new Tally(SourceTable.ALIGNER_BATCHES.tableName(), limit),
                new PortalPages(SourceTable.ALIGNER_BATCHES, null, false),
                new ClinicPages<>(after -> clinic.batchesAfter(after, CLINIC_PAGE), ClinicRows.Batch::batchId), BATCHES, progress, work);
        return new VerifyReport(startedAt, (System.nanoTime() - started) / 1_000_000, notes, batches, null);
    }

    /**
     * Walks one table's two sides together in key order: a key only the portal has is missing in
     * SQL Server, one only SQL Server has is extra, one both have is compared column by column.
     */
    private static <C> VerifyReport.Section merge(Tally tally, PortalPages portal, ClinicPages<C> clinic, TableRules<C> rules,
                                                 Progress progress, Work work) throws PostgrestException, SQLException {
        while (portal.peek() != null || clinic.peek() != null) {
            PortalRow p = portal.peek();
            C c = clinic.peek();
            if (c == null || (p != null && p.key() < clinic.keyOf(c))) {
                tally.missing(p.key());
                rules.missing(p, work);
                portal.next();
            } else if (p == null || clinic.keyOf(c) < p.key()) {
                tally.extra(clinic.keyOf(c));
                rules.extra(clinic.keyOf(c), work);
                clinic.next();
            } else {
                List<String> columns = p.event() == null ? List.of("(portal row invalid: " + p.invalid() + ")")
                        : rules.differences(p.event(), c);
                tally.compared(p.key(), columns);
                if (!columns.isEmpty()) {
                    rules.different(p, columns, work);
                }
                portal.next();
                clinic.next();
            }
            if (tally.compared % 1000 == 0) {
                progress.compared(tally.table, tally.compared);
            }
        }
        progress.compared(tally.table, tally.compared);
        return tally.section();
    }

    /** What differs between a table's two sides, and what a repair does about each kind of drift. */
    private interface TableRules<C> {
        /** The SQL Server columns that differ from the portal's row; empty when in sync. */
        List<String> differences(ChangeEvent portal, C clinic);

        void missing(PortalRow row, Work work);

        void extra(long key, Work work);

        void different(PortalRow row, List<String> columns, Work work);
    }

    /**
     * Doctor notes: a repair copies the portal's row of a missing or different note and deletes an extra one
     * the ledger wrote; a different AlignerSetID is a key conflict the sink refuses to overwrite, so it is skipped.
     */
    private static final TableRules<ClinicRows.Note> NOTES = new TableRules<>() {
        @Override
        public List<String> differences(ChangeEvent portal, ClinicRows.Note clinic) {
            return ClinicRows.noteDifferences(portal.after(), clinic);
        }

        @Override
        public void missing(PortalRow row, Work work) {
            work.copy(row);
        }

        @Override
        public void extra(long key, Work work) {
            if (work.collect) {
                work.extraNotes.add(key);
            }
        }

        @Override
        public void different(PortalRow row, List<String> columns, Work work) {
            if (columns.contains("AlignerSetID")) {
                work.skip();
            } else {
                work.copy(row);
            }
        }
    };

    /** Batches' Days: the sync never inserts or deletes a batch, so a repair only copies a different Days and skips the rest. */
    private static final TableRules<ClinicRows.Batch> BATCHES = new TableRules<>() {
        @Override
        public List<String> differences(ChangeEvent portal, ClinicRows.Batch clinic) {
            return Objects.equals(portal.after().integer("days"), clinic.days()) ? List.of() : List.of("Days");
        }

        @Override
        public void missing(PortalRow row, Work work) {
            work.skip();
        }

        @Override
        public void extra(long key, Work work) {
            work.skip();
        }

        @Override
        public void different(PortalRow row, List<String> columns, Work work) {
            work.copy(row);
        }
    };

    private VerifyReport.Repair repairDrift(long driftBefore, Work work) throws PostgrestException, SQLException, SinkUnavailableException {
        List<ChangeEvent> changes = new ArrayList<>(work.copies);
        int skipped = work.skipped;
        int refused = 0;
        DeleteGuard.Refusal refusal = null;
        if (!work.extraNotes.isEmpty()) {
            // Only what the ledger wrote is the sync's to delete; and only if the portal still lacks it now.
            Map<Long, LedgerEntry> written = ledger.entries(SourceTable.ALIGNER_NOTES, work.extraNotes);
            skipped += work.extraNotes.size() - written.size();
            // Weighed like reconcile: the ledger's live notes the listing lacks. A tombstoned one was deleted on the
            // portal's word already (a row delete-mode=ignore kept): sending its delete again decides nothing new.
            long live = written.values().stream().filter(entry -> !entry.tombstone()).count();
            if (live > 0) {
                refusal = guard.check("verify --repair", ledger.liveKeys(SourceTable.ALIGNER_NOTES).length, work.portalNotes,
                        work.portalCount, live).orElse(null);
            }
            if (refusal != null) {
                refused = written.size();
            } else if (!written.isEmpty()) {
                PortalReader.Recheck recheck = portal.present(SourceTable.ALIGNER_NOTES, written.keySet());
                for (Long key : written.keySet()) {
                    if (recheck.present().contains(key)) {
                        skipped++;
                    } else {
                        // Dated by the portal's clock when it was re-checked without them, never this host's (see Reconciler.deleteOf).
                        changes.add(Reconciler.deleteOf(key, recheck.goneBy()));
                    }
                }
            }
        }
        int applied = 0;
        int unchanged = 0;
        for (int from = 0; from < changes.size(); from += REPAIRS_PER_BATCH) {
            BatchResult result = sink.apply(changes.subList(from, Math.min(changes.size(), from + REPAIRS_PER_BATCH)));
            applied += result.count(Outcome.APPLIED);
            unchanged += result.count(Outcome.UNCHANGED);
        }
        return new VerifyReport.Repair(driftBefore, changes.size(), applied, unchanged, changes.size() - applied - unchanged, skipped,
                refused, refusal);
    }

    /** The portal side, a page at a time in key order. */
    private final class PortalPages {
        private final SourceTable table;
        private final String filter;
        private final List<PortalRow> page = new ArrayList<>();
        private int index;
        private Long after;
        private boolean done;
        private final boolean count;
        private long listed;
        private Long portalCount;

        /** @param count ask PostgREST for its count with the first page */
        PortalPages(SourceTable table, String filter, boolean count) {
            this.table = table;
            this.filter = filter;
            this.count = count;
        }

        PortalRow peek() throws PostgrestException {
            if (index == page.size() && !done) {
                page.clear();
                index = 0;
                JsonNode rows;
                if (after == null && count) {
                    PostgrestClient.Response first = portal.firstRowsCounted(table, filter);
                    rows = first.rows();
                    portalCount = first.total();
                } else {
                    rows = portal.rowsAfter(table, after, filter);
                }
                done = rows.isEmpty();
                listed += rows.size();
                for (JsonNode row : rows) {
                    long key = PortalReader.keyOf(table, row);
                    after = key;
                    try {
                        if (!(row instanceof ObjectNode object)) {
                            throw new IllegalArgumentException("the portal's row is not a JSON object: " + row.getNodeType());
                        }
                        // The same conversion as the poll's and the webhook's, so a row hashes alike whichever input read it.
                        Map<String, Object> values = JsonRows.toMap(object);
                        page.add(new PortalRow(key, ChangeEvents.of(Input.RECONCILE, table, Op.READ, null, values), null));
                    } catch (IllegalArgumentException e) { // InvalidChangeException, or a value Jackson cannot map
                        page.add(new PortalRow(key, null, e.getMessage()));
                    }
                }
            }
            return index < page.size() ? page.get(index) : null;
        }

        void next() {
            index++;
        }

        /** Rows the portal listed so far. */
        long listed() {
            return listed;
        }

        /** PostgREST's count of the rows the filter matches, from the first page; null when it gave none. */
        Long portalCount() {
            return portalCount;
        }
    }

    private interface PageFetch<T> {
        List<T> after(long key) throws SQLException;
    }

    private interface KeyOf<T> {
        long key(T row);
    }

    /** The SQL Server side, a page at a time in key order. */
    private static final class ClinicPages<T> {
        private final PageFetch<T> fetch;
        private final KeyOf<T> keyOf;
        private List<T> page = List.of();
        private int index;
        private long after = Long.MIN_VALUE;
        private boolean done;

        ClinicPages(PageFetch<T> fetch, KeyOf<T> keyOf) {
            this.fetch = fetch;
            this.keyOf = keyOf;
        }

        T peek() throws SQLException {
            if (index == page.size() && !done) {
                page = fetch.after(after);
                index = 0;
                done = page.size() < CLINIC_PAGE;
                if (!page.isEmpty()) {
                    after = keyOf.key(page.get(page.size() - 1));
                }
            }
            return index < page.size() ? page.get(index) : null;
        }

        void next() {
            index++;
        }

        long keyOf(T row) {
            return keyOf.key(row);
        }
    }
}
