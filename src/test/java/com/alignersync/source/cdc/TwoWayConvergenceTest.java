package com.alignersync.source.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.support.ForwardSyncSimulator;
import com.alignersync.support.PortalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two-way convergence (DESIGN.md section 9, docs/two-way.md): with the clinic's forward sync
 * echoing every change of Days back to the portal, a doctor's edit (days = 10) and the clinic's
 * edit (Days = 12) of the same batch at about the same moment end with both sides equal, stop
 * changing within seconds, and cost a bounded number of writes; without the echo rule the
 * daemon and the forward sync ping-pong 10 and 12 for ever.
 */
class TwoWayConvergenceTest {

    private static final int BATCHES = 20;
    private static final int FIRST = 5001;
    /** How long both sides must stay unchanged to count as settled. */
    private static final Duration QUIET = Duration.ofSeconds(2);
    /** From the last edit, the time allowed to settle. */
    private static final Duration SETTLE = Duration.ofSeconds(15);

    static PortalPostgres portal;

    @TempDir
    Path dataDir;
    CdcRig rig;
    ForwardSyncSimulator forwardSync;

    @BeforeAll
    static void startPortal() throws Exception {
        portal = PortalPostgres.startSetUp();
    }

    @AfterAll
    static void stopPortal() throws Exception {
        portal.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        portal.execute("TRUNCATE aligner_notes, aligner_batches");
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) SELECT g, 1, 14 FROM generate_series("
                + FIRST + ", " + (FIRST + BATCHES - 1) + ") g");
        rig = new CdcRig(portal, "two_way", dataDir);
        for (int i = 0; i < BATCHES; i++) {
            rig.target.insertBatch(FIRST + i, 1, 14);
        }
        forwardSync = new ForwardSyncSimulator(rig.target.dataSource(), portal.dataSource(), Duration.ofMillis(50),
                Duration.ofMillis(500), 42).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (forwardSync != null) {
            forwardSync.close();
        }
        rig.close();
        CdcRig.dropSlotIfExists(portal.dataSource(), "two_way");
    }

    @Test
    void concurrentEditsWhileTheDaemonRunsConvergeWithoutPingPong() throws Exception {
        rig.start();
        Random random = new Random(7);
        for (int i = 0; i < BATCHES; i++) {
            long key = FIRST + i;
            // Which side goes first, and by how much, varies per batch: "at about the same moment".
            boolean doctorFirst = random.nextBoolean();
            if (doctorFirst) {
                portal.execute("UPDATE aligner_batches SET days = 10 WHERE aligner_batch_id = " + key);
            }
            Thread.sleep(random.nextInt(30));
            rig.target.update("UPDATE dbo.tblAlignerBatches SET Days = 12 WHERE AlignerBatchID = ?", key);
            if (!doctorFirst) {
                Thread.sleep(random.nextInt(30));
                portal.execute("UPDATE aligner_batches SET days = 10 WHERE aligner_batch_id = " + key);
            }
        }
        assertSettledEqualWithBoundedWrites();
    }

    @Test
    void concurrentEditsReplayedByCdcAfterARestartInSeparateBatchesConverge() throws Exception {
        rig.start();
        // One change through the engine before stopping it (stopping an engine that has not yet
        // delivered a batch can take the 60 s of CdcInput's stop timeout).
        portal.execute("UPDATE aligner_batches SET notes = 'warm-up' WHERE aligner_batch_id = " + FIRST);
        CdcRig.await("the warm-up change is decided", () -> rig.metrics.count(com.alignersync.event.Input.CDC,
                com.alignersync.sink.Outcome.IGNORED) == 1);
        rig.stop();
        for (int i = 0; i < BATCHES; i++) {
            long key = FIRST + i;
            portal.execute("UPDATE aligner_batches SET days = 10 WHERE aligner_batch_id = " + key);
            rig.target.update("UPDATE dbo.tblAlignerBatches SET Days = 12 WHERE AlignerBatchID = ?", key);
        }
        // The forward sync brings the clinic's 12 to the portal while the daemon is down.
        CdcRig.await("the forward sync caught up", forwardSync::idle);
        assertEquals(12, portalDays().get((long) FIRST));
        // One change per sink batch: the doctor's 10 and the forwarded 12 are never coalesced.
        rig.passThrough(Map.of("max.batch.size", "1"));
        rig.start();
        assertSettledEqualWithBoundedWrites();
    }

    @Test
    void threeDoctorEditsInsideTheForwardSyncsDelayEndAtTheLastValueOnBothSidesInOneBatch() throws Exception {
        rig.start();
        threeQuickEditsPerBatch();
        assertSettledEqualWithBoundedWrites();
        assertTrue(clinicDays().values().stream().allMatch(days -> days == 16), "the doctor's last value: " + clinicDays());
    }

    @Test
    void threeDoctorEditsInsideTheForwardSyncsDelayEndAtTheLastValueOnBothSidesInSeparateBatches() throws Exception {
        rig.passThrough(Map.of("max.batch.size", "1"));
        rig.start();
        threeQuickEditsPerBatch();
        assertSettledEqualWithBoundedWrites();
        assertTrue(clinicDays().values().stream().allMatch(days -> days == 16), "the doctor's last value: " + clinicDays());
    }

    /** 10, 12, 16 within a few milliseconds: every write of the daemon echoes back while the next edit is on its way. */
    private void threeQuickEditsPerBatch() throws Exception {
        for (int i = 0; i < BATCHES; i++) {
            long key = FIRST + i;
            for (int days : new int[] {10, 12, 16}) {
                portal.execute("UPDATE aligner_batches SET days = " + days + " WHERE aligner_batch_id = " + key);
            }
        }
    }

    /**
     * Waits until the clinic, the portal and the forward-sync queue stay unchanged for
     * {@link #QUIET}, then checks both sides agree on every batch and that each batch cost at
     * most: the clinic's own edit plus two daemon writes (10, then 12) in SQL Server, and three
     * forward-sync writes (12, the echo of 10, 12) in the portal.
     */
    private void assertSettledEqualWithBoundedWrites() throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        String last = null;
        long stableSince = System.nanoTime();
        while (true) {
            forwardSync.checkHealthy();
            String snapshot = clinicDays() + " " + portalDays() + " " + rig.target.writes() + " " + forwardSync.portalWrites()
                    + " " + forwardSync.idle();
            if (!snapshot.equals(last)) {
                last = snapshot;
                stableSince = System.nanoTime();
            } else if (forwardSync.idle() && System.nanoTime() - stableSince > QUIET.toNanos()) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "still changing " + SETTLE.toSeconds() + " s after the edits: clinic "
                    + clinicDays() + ", portal " + portalDays() + ", clinic writes " + rig.target.writes());
            Thread.sleep(50);
        }
        Map<Long, Integer> clinic = clinicDays();
        Map<Long, Integer> portalSide = portalDays();
        assertEquals(clinic, portalSide, "both sides end equal");
        Map<Long, Integer> writes = clinicWritesPerBatch();
        for (int i = 0; i < BATCHES; i++) {
            long key = FIRST + i;
            assertTrue(writes.getOrDefault(key, 0) <= 3, "batch " + key + ": " + writes.get(key) + " writes in SQL Server; ledger "
                    + rig.target.query("SELECT * FROM dbo.AlignerSyncLedger WHERE SourceKey = ?", key));
            assertTrue(forwardSync.portalWrites(key) <= 3, "batch " + key + ": " + forwardSync.portalWrites(key) + " forward-sync writes");
        }
    }

    private Map<Long, Integer> clinicDays() throws Exception {
        Map<Long, Integer> days = new java.util.TreeMap<>();
        for (Map<String, Object> row : rig.target.query("SELECT AlignerBatchID, Days FROM dbo.tblAlignerBatches")) {
            days.put(((Number) row.get("ALIGNERBATCHID")).longValue(), ((Number) row.get("DAYS")).intValue());
        }
        return days;
    }

    private Map<Long, Integer> clinicWritesPerBatch() throws Exception {
        Map<Long, Integer> writes = new HashMap<>();
        for (Map<String, Object> row : rig.target.query(
                "SELECT RowKey, COUNT(*) AS N FROM dbo.WriteLog WHERE UPPER(TableName) = 'TBLALIGNERBATCHES' AND Op = 'UPDATE' GROUP BY RowKey")) {
            writes.put(((Number) row.get("ROWKEY")).longValue(), ((Number) row.get("N")).intValue());
        }
        return writes;
    }

    private static Map<Long, Integer> portalDays() throws Exception {
        Map<Long, Integer> days = new java.util.TreeMap<>();
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT aligner_batch_id, days FROM aligner_batches")) {
            while (rs.next()) {
                days.put(rs.getLong(1), rs.getInt(2));
            }
        }
        return days;
    }
}
