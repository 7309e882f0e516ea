package com.alignersync.bench;

import com.alignersync.config.SqlServerConfig;
import com.alignersync.sink.ClinicDatabase;
import com.alignersync.sink.support.ClinicSchema;
import java.sql.Connection;
import java.sql.Statement;
import java.time.ZoneId;

/**
 * The clinic database every benchmark writes into: in-memory H2 (MODE=MSSQLServer) opened the
 * way the daemon opens its target ({@link ClinicDatabase}: the pool, H2's query cache), with the
 * clinic's tables and the ledger and nothing else. The tests' {@code H2ClinicTarget} adds a
 * write-log trigger on each clinic table and opens a new session per connection; a benchmark
 * using it measured that trigger (a tenth of the CDC handler in JFR) and H2 parsing every
 * statement again, neither of which the daemon does.
 */
final class BenchClinic {

    private BenchClinic() {
    }

    /** A fresh database; it lives until the returned pool is closed. */
    static ClinicDatabase open(String name) throws Exception {
        ClinicDatabase database = ClinicDatabase.open(new SqlServerConfig(
                "jdbc:h2:mem:" + name + "-" + System.nanoTime() + ";MODE=MSSQLServer", "", "", 2, ZoneId.of("UTC")));
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS dbo");
            for (String ddl : ClinicSchema.clinicTables()) {
                s.execute(ddl);
            }
            c.commit();
        }
        database.initLedger();
        return database;
    }
}
