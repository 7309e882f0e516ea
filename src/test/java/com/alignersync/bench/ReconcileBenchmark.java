package com.alignersync.bench;

import com.alignersync.config.SinkConfig;
import com.alignersync.config.SqlServerConfig;
import com.alignersync.event.SourceTable;
import com.alignersync.reconcile.DeleteGuard;
import com.alignersync.portal.PortalReader;
import com.alignersync.reconcile.ReconcileResult;
import com.alignersync.reconcile.Reconciler;
import com.alignersync.reconcile.Verifier;
import com.alignersync.reconcile.VerifyReport;
import com.alignersync.sink.ClinicDatabase;
import com.alignersync.sink.ClinicRows;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.LedgerKeys;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.sink.support.ClinicSchema;
import com.alignersync.portal.PostgrestClient;
import com.alignersync.source.poll.support.FakePostgrest;
import com.alignersync.support.PortalPostgres;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;

/**
 * Reconcile and verify over a large portal: the fake PostgREST (real embedded Postgres) against H2
 * (MODE=MSSQLServer) holding the same notes, each in the ledger. Reconcile lists both sides' keys
 * and deletes the notes the portal lost through the sink; verify compares every row. Run with:
 * <pre>mvn -q test-compile exec:java -Dexec.mainClass=com.alignersync.bench.ReconcileBenchmark [-Dexec.args="100000 1000"]</pre>
 * Arguments: portal Doctor notes (default 100,000; batches are a tenth of it), page size (default 1,000, Supabase's cap).
 * 0.1 % of the notes are deleted in the portal behind the sync's back and 10 NoteTexts changed in SQL Server.
 */
public final class ReconcileBenchmark {

    private static final String KEY = "sb_secret_benchmark";

    public static void main(String[] args) throws Exception {
        int notes = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int pageSize = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int batches = notes / 10;
        int gone = Math.max(1, notes / 1000);
        System.out.printf("aligner-sync reconcile/verify benchmark: %,d Doctor notes and %,d batches in the portal and in SQL Server,"
                + " %,d notes deleted in the portal unseen, page size %,d, server cap 1,000,"
                + " embedded PostgreSQL -> fake PostgREST -> H2 MODE=MSSQLServer, %d cores%n",
                notes, batches, gone, pageSize, Runtime.getRuntime().availableProcessors());
        try (PortalPostgres portal = PortalPostgres.startSetUp(); FakePostgrest rest = FakePostgrest.start(portal.dataSource(), KEY);
             ClinicDatabase database = clinic(notes, batches)) {
            portal.execute("INSERT INTO aligner_notes (note_id, aligner_set_id, note_type, note_text, created_at, is_read)"
                    + " SELECT g, g % 900, 'Doctor', 'benchmark note ' || g, now(), false FROM generate_series(1, " + notes + ") g");
            portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) SELECT g, g % 900, 14"
                    + " FROM generate_series(1, " + batches + ") g");
            portal.execute("DELETE FROM aligner_notes WHERE note_id % 1000 = 7 AND note_id <= " + gone * 1000L + "; ANALYZE");

            ObjectMapper mapper = new ObjectMapper();
            Clock clock = Clock.systemUTC();
            PortalReader reader = new PortalReader(new PostgrestClient(rest.restUrl(), KEY, Duration.ofSeconds(60), mapper), pageSize);
            SqlServerSink sink = new SqlServerSink(database.dataSource(), database.dialect(), SinkConfig.defaults(), ZoneId.of("UTC"),
                    new DeadLetterLog(Files.createTempDirectory("reconcile-bench"), mapper, clock),
                    new SinkMetrics(new SimpleMeterRegistry()), clock);
            LedgerKeys ledger = new LedgerKeys(database.dataSource(), database.dialect());
            reader.keys(SourceTable.ALIGNER_NOTES); // warm-up: JIT, Postgres buffers
            ledger.liveKeys(SourceTable.ALIGNER_NOTES);
            long t0 = System.nanoTime();
            int ledgerKeys = ledger.liveKeys(SourceTable.ALIGNER_NOTES).length;
            long t1 = System.nanoTime();
            int portalKeys = reader.keys(SourceTable.ALIGNER_NOTES).length;
            long t2 = System.nanoTime();
            System.out.printf("parts: ledger keys %,d in %.2f s (SQL, pages of 10,000); portal keys %,d in %.2f s (PostgREST, pages of %,d)%n",
                    ledgerKeys, (t1 - t0) / 1e9, portalKeys, (t2 - t1) / 1e9, pageSize);

            Reconciler reconciler = new Reconciler(reader, ledger, sink, new DeleteGuard(10), clock);
            ReconcileResult dry = reconciler.run(true, "benchmark");
            System.out.printf("reconcile dry run: %,d ledger + %,d portal keys in %.2f s, %,d would be deleted%n",
                    dry.ledgerNotes(), dry.portalNotes(), dry.millis() / 1000.0, dry.toDelete());
            ReconcileResult result = reconciler.run(false, "benchmark");
            if (!result.ok()) {
                throw new IllegalStateException("reconcile failed: " + result.error());
            }
            System.out.printf("reconcile:         %,d ledger + %,d portal keys in %.2f s, %,d deleted through the sink%n",
                    result.ledgerNotes(), result.portalNotes(), result.millis() / 1000.0, result.deleted());

            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("UPDATE dbo.tblAlignerNotes SET NoteText = 'drift' WHERE NoteID IN (2, 3, 4, 5, 6, 8, 9, 10, 11, 12)");
                c.commit();
            }
            Verifier verifier = new Verifier(reader, new ClinicRows(database.dataSource(), database.dialect(), ZoneId.of("UTC")),
                    ledger, sink, new DeleteGuard(10), clock);
            VerifyReport report = verifier.run(false, 10, Verifier.Progress.NONE);
            System.out.printf("verify:            %,d rows compared in %.2f s, %,d drift rows (expected 10 different NoteText)%n",
                    report.compared(), report.millis() / 1000.0, report.drift());
            VerifyReport repaired = verifier.run(true, 10, Verifier.Progress.NONE);
            System.out.printf("verify --repair:   %,d sent, %,d applied, then %,d rows compared again in %.2f s in total, %,d drift rows%n",
                    repaired.repair().sent(), repaired.repair().applied(), repaired.compared(), repaired.millis() / 1000.0, repaired.drift());

            System.out.printf("%nreconcile: %,10.0f keys/s (ledger + portal keys listed and merged, %,d deletes applied), %.2f s%n",
                    result.rate(), result.deleted(), result.millis() / 1000.0);
            System.out.printf("verify:    %,10.0f rows/s (portal rows read through PostgREST and compared with SQL Server), %.2f s%n",
                    report.rate(), report.millis() / 1000.0);
        }
    }

    /** The clinic as the sync would have left it: the same notes and batches, every note in the ledger. */
    private static ClinicDatabase clinic(int notes, int batches) throws Exception {
        ClinicDatabase database = ClinicDatabase.open(new SqlServerConfig(
                "jdbc:h2:mem:reconcile-bench;MODE=MSSQLServer;DB_CLOSE_DELAY=-1", "", "", 2, ZoneId.of("UTC")));
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS dbo");
            for (String ddl : ClinicSchema.clinicTables()) {
                s.execute(ddl);
            }
            s.execute("INSERT INTO dbo.tblAlignerNotes (NoteID, AlignerSetID, NoteType, NoteText, IsEdited, IsRead)"
                    + " SELECT X, MOD(X, 900), 'Doctor', 'benchmark note ' || X, FALSE, FALSE FROM SYSTEM_RANGE(1, " + notes + ")");
            s.execute("INSERT INTO dbo.tblAlignerBatches (AlignerBatchID, AlignerSetID, BatchSequence, Days)"
                    + " SELECT X, MOD(X, 900), 1, 14 FROM SYSTEM_RANGE(1, " + batches + ")");
            c.commit();
        }
        database.initLedger();
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO dbo.AlignerSyncLedger (SourceTable, SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy, AppliedAt)"
                    + " SELECT 'aligner_notes', X, 1, REPEAT('0', 64), FALSE, 'POLL', CURRENT_TIMESTAMP FROM SYSTEM_RANGE(1, " + notes + ")");
            c.commit();
        }
        return database;
    }
}
