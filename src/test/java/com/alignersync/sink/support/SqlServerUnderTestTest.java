package com.alignersync.sink.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * Which SQL Server the SQL Server suites use, and that they never drop a clinic's tables. No SQL
 * Server runs here: the choice is checked as a function, the claim on H2 in MODE=MSSQLServer.
 */
class SqlServerUnderTestTest {

    private static UnaryOperator<String> from(Map<String, String> values) {
        return values::get;
    }

    @Test
    void anOperatorsUrlByPropertyWinsOverTheEnvironmentAndDocker() {
        SqlServerUnderTest.Choice choice = SqlServerUnderTest.choose(
                from(Map.of(SqlServerUnderTest.URL_PROPERTY, "jdbc:sqlserver://clinic-test:1433;databaseName=aligner_sync_test",
                        SqlServerUnderTest.USER_PROPERTY, "tester")),
                from(Map.of(SqlServerUnderTest.URL_ENV, "jdbc:sqlserver://other:1433", SqlServerUnderTest.PASSWORD_ENV, "secret")),
                () -> true);

        assertEquals(new SqlServerUnderTest.Choice(SqlServerUnderTest.Kind.OPERATOR,
                "jdbc:sqlserver://clinic-test:1433;databaseName=aligner_sync_test", "tester", "secret"), choice);
    }

    @Test
    void theEnvironmentNamesTheServerWhenNoPropertyDoes() {
        SqlServerUnderTest.Choice choice = SqlServerUnderTest.choose(from(Map.of()),
                from(Map.of(SqlServerUnderTest.URL_ENV, "jdbc:sqlserver://ci-sql:1433;user=sa;password=x")), () -> false);

        assertEquals(SqlServerUnderTest.Kind.OPERATOR, choice.kind());
        assertEquals("jdbc:sqlserver://ci-sql:1433;user=sa;password=x", choice.url());
    }

    @Test
    void withoutAUrlDockerStartsAContainerAndWithoutDockerTheSuitesAreSkipped() {
        assertEquals(SqlServerUnderTest.Kind.CONTAINER, SqlServerUnderTest.choose(from(Map.of()), from(Map.of()), () -> true).kind());
        assertEquals(SqlServerUnderTest.Kind.NONE, SqlServerUnderTest.choose(from(Map.of(SqlServerUnderTest.URL_PROPERTY, " ")),
                from(Map.of()), () -> false).kind(), "a blank URL names nothing");
    }

    @Test
    void aDatabaseHoldingClinicTablesTheSuiteDidNotPrepareIsRefusedAndKeepsThem() throws Exception {
        try (H2ClinicTarget clinic = new H2ClinicTarget()) {
            clinic.insertNote(1, 7, "Doctor", "a clinic's note");

            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> SqlServerUnderTest.claim(clinic.dataSource(), "the test's database"));

            assertTrue(refused.getMessage().contains("scratch database"), refused.getMessage());
            assertTrue(refused.getMessage().contains("TBLALIGNERNOTES"), refused.getMessage());
            assertEquals(1, clinic.query("SELECT * FROM dbo.tblAlignerNotes").size());
            assertEquals(0, clinic.query("SELECT * FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_NAME) = 'ALIGNERSYNCTESTSUITE'").size());
        }
    }

    @Test
    void aFreshDatabaseIsMarkedAsTheSuitesAndTakenAgainOnTheNextRun() throws Exception {
        JdbcDataSource scratch = new JdbcDataSource();
        scratch.setURL("jdbc:h2:mem:scratch-" + UUID.randomUUID() + ";MODE=MSSQLServer;DB_CLOSE_DELAY=-1");
        try (Connection keepOpen = scratch.getConnection(); Statement s = keepOpen.createStatement()) {
            s.execute("CREATE SCHEMA dbo"); // SQL Server has it in every database

            SqlServerUnderTest.claim(scratch, "a scratch database");
            s.execute("CREATE TABLE dbo.tblAlignerNotes (NoteID bigint)"); // what the suite then creates
            SqlServerUnderTest.claim(scratch, "a scratch database");

            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + SqlServerUnderTest.MARKER)) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
            s.execute("DROP ALL OBJECTS");
        }
    }
}
