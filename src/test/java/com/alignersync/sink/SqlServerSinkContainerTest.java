package com.alignersync.sink;

import com.alignersync.sink.support.ClinicTarget;
import com.alignersync.sink.support.SqlServerClinicTarget;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * The same sink contract against a real SQL Server 2022. Runs wherever Docker is available;
 * skipped (not failed) where it is not, such as the build machines without a Docker engine.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServerSinkContainerTest extends SinkContractTest {

    @Container
    static final MSSQLServerContainer SQL_SERVER = new MSSQLServerContainer("mcr.microsoft.com/mssql/server:2022-latest").acceptLicense();

    @Override
    ClinicTarget target() throws Exception {
        return new SqlServerClinicTarget(SQL_SERVER);
    }
}
