package com.alignersync.sink;

import com.alignersync.sink.support.ClinicTarget;
import com.alignersync.sink.support.SqlServerClinicTarget;
import com.alignersync.sink.support.SqlServerUnderTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same sink contract against a real SQL Server: an operator's, when
 * {@code -Dalignersync.test.sqlserver.url} (or {@code ALIGNER_SYNC_TEST_SQLSERVER_URL}) names it,
 * else a SQL Server 2022 container wherever Docker is available; skipped (not failed) without
 * either, such as on the build machines without a Docker engine ({@link SqlServerUnderTest}).
 */
@ExtendWith(SqlServerUnderTest.IfAvailable.class)
class SqlServerSinkContainerTest extends SinkContractTest {

    static SqlServerUnderTest server;

    @BeforeAll
    static void resolveServer() {
        server = SqlServerUnderTest.get();
    }

    @Override
    ClinicTarget target() throws Exception {
        return new SqlServerClinicTarget(server);
    }
}
