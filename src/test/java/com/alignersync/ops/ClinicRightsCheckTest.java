package com.alignersync.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.SqlServerConfig;
import com.alignersync.sink.support.H2ClinicTarget;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code check} proves every right the sink needs, one line per right, with the GRANT that fixes a missing one. */
class ClinicRightsCheckTest {

    private static CheckResult line(List<CheckResult> results, String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + name + " in " + results));
    }

    /** The database's own URL: H2 lets only an admin change settings (MODE, DB_CLOSE_DELAY) on connect. */
    private static String asClerk(H2ClinicTarget clinic) {
        return clinic.jdbcUrl().split(";")[0];
    }

    @Test
    void aLoginWithoutUpdateOnTheBatchesIsToldTheGrant() throws Exception {
        try (H2ClinicTarget clinic = new H2ClinicTarget()) {
            clinic.execute("CREATE USER clerk PASSWORD 'clerk-pw'");
            clinic.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON dbo.tblAlignerNotes TO clerk");
            clinic.execute("GRANT SELECT ON dbo.tblAlignerBatches TO clerk");
            clinic.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON dbo.AlignerSyncLedger TO clerk");

            List<CheckResult> results = new ClinicChecks(new SqlServerConfig(asClerk(clinic), "clerk", "clerk-pw", 1, ZoneId.of("UTC"))).run();

            CheckResult update = line(results, "right UPDATE on dbo.tblAlignerBatches");
            assertEquals(CheckResult.Status.FAIL, update.status(), results.toString());
            assertTrue(update.detail().endsWith("a DBA runs GRANT UPDATE ON dbo.tblAlignerBatches TO [clerk]"), update.detail());
            for (String granted : List.of("right SELECT on dbo.tblAlignerNotes", "right INSERT on dbo.tblAlignerNotes",
                    "right UPDATE on dbo.tblAlignerNotes", "right DELETE on dbo.tblAlignerNotes", "right SELECT on dbo.tblAlignerBatches",
                    "right SELECT on dbo.AlignerSyncLedger", "right INSERT on dbo.AlignerSyncLedger", "right UPDATE on dbo.AlignerSyncLedger",
                    "right DELETE on dbo.AlignerSyncLedger", "right IDENTITY_INSERT on dbo.tblAlignerNotes")) {
                assertEquals(CheckResult.Status.OK, line(results, granted).status(), granted + ": " + results);
            }
            assertEquals(0, clinic.query("SELECT * FROM dbo.tblAlignerNotes").size(), "the probes changed nothing");
        }
    }

    @Test
    void aLoginWithoutLedgerRightsIsToldEachGrant() throws Exception {
        try (H2ClinicTarget clinic = new H2ClinicTarget()) {
            clinic.execute("CREATE USER clerk PASSWORD 'clerk-pw'");
            clinic.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON dbo.tblAlignerNotes TO clerk");
            clinic.execute("GRANT SELECT, UPDATE ON dbo.tblAlignerBatches TO clerk");
            clinic.execute("GRANT SELECT ON dbo.AlignerSyncLedger TO clerk");

            List<CheckResult> results = new ClinicChecks(new SqlServerConfig(asClerk(clinic), "clerk", "clerk-pw", 1, ZoneId.of("UTC"))).run();

            for (String privilege : List.of("INSERT", "UPDATE", "DELETE")) {
                CheckResult right = line(results, "right " + privilege + " on dbo.AlignerSyncLedger");
                assertEquals(CheckResult.Status.FAIL, right.status(), results.toString());
                assertTrue(right.detail().contains("GRANT " + privilege + " ON dbo.AlignerSyncLedger TO [clerk]"), right.detail());
            }
            assertEquals(CheckResult.Status.OK, line(results, "right UPDATE on dbo.tblAlignerBatches").status());
        }
    }
}
