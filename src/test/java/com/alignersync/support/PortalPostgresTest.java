package com.alignersync.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PortalPostgresTest {

    @Test
    void startsARealPostgresReadyForLogicalReplicationWithThePortalTables() throws Exception {
        try (PortalPostgres portal = PortalPostgres.start();
             Connection c = portal.dataSource().getConnection();
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW wal_level")) {
                rs.next();
                assertEquals("logical", rs.getString(1));
            }
            s.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) VALUES (1, 2, 10)");
            try (ResultSet rs = s.executeQuery("SELECT days FROM aligner_batches WHERE aligner_batch_id = 1")) {
                rs.next();
                assertEquals(10, rs.getInt(1));
            }
        }
    }
}
