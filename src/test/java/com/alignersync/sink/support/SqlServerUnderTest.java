package com.alignersync.sink.support;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * The SQL Server the SQL Server suites ({@code SqlServerSinkContainerTest},
 * {@code SqlServerFailuresContainerTest}) run against, one per test JVM:
 * <ol>
 * <li>a server an operator already has, when {@value #URL_PROPERTY} (or the environment variable
 *     {@value #URL_ENV}) holds its JDBC URL, with {@value #USER_PROPERTY} / {@value #USER_ENV} and
 *     {@value #PASSWORD_PROPERTY} / {@value #PASSWORD_ENV} (or the user and password in the URL);</li>
 * <li>else a SQL Server 2022 container, where Docker is available;</li>
 * <li>else none: the suites are skipped, not failed ({@link IfAvailable} on the test class reports each
 *     test skipped with the reason).</li>
 * </ol>
 * The suites drop and recreate {@code dbo.tblAlignerNotes}, {@code dbo.tblAlignerBatches} and the
 * ledger, so before any of that the database is claimed ({@link #claim}): one that holds those tables
 * without the suite's marker table is refused, and a clinic's database is never touched.
 *
 * @param origin where it came from, for messages (never the password)
 */
public record SqlServerUnderTest(String jdbcUrl, String user, String password, String origin) {

    public static final String URL_PROPERTY = "alignersync.test.sqlserver.url";
    public static final String USER_PROPERTY = "alignersync.test.sqlserver.user";
    public static final String PASSWORD_PROPERTY = "alignersync.test.sqlserver.password";
    public static final String URL_ENV = "ALIGNER_SYNC_TEST_SQLSERVER_URL";
    public static final String USER_ENV = "ALIGNER_SYNC_TEST_SQLSERVER_USER";
    public static final String PASSWORD_ENV = "ALIGNER_SYNC_TEST_SQLSERVER_PASSWORD";

    /** Created in a database the suite may use; its presence is what lets a later run drop the clinic tables there. */
    static final String MARKER = "dbo.AlignerSyncTestSuite";

    private static final String IMAGE = "mcr.microsoft.com/mssql/server:2022-latest";

    /** Where the server comes from. */
    enum Kind { OPERATOR, CONTAINER, NONE }

    /** The choice, before anything is started or connected. */
    record Choice(Kind kind, String url, String user, String password) {
    }

    private static SqlServerUnderTest server;
    private static String skipReason;
    private static RuntimeException failure;

    /**
     * Put on a SQL Server suite ({@code @ExtendWith(SqlServerUnderTest.IfAvailable.class)}): without a
     * URL and without Docker its tests are skipped, each with the reason, as Testcontainers'
     * {@code disabledWithoutDocker} did.
     */
    public static final class IfAvailable implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Choice choice = choose(System::getProperty, System::getenv, () -> DockerClientFactory.instance().isDockerAvailable());
            return choice.kind() == Kind.NONE ? ConditionEvaluationResult.disabled(NO_SERVER)
                    : ConditionEvaluationResult.enabled(choice.kind() == Kind.OPERATOR ? "an operator's SQL Server" : "Docker is available");
        }
    }

    private static final String NO_SERVER = "no SQL Server: set " + URL_PROPERTY + " (or " + URL_ENV + ") to a scratch database's"
            + " JDBC URL, or run where Docker is available";

    /**
     * The server for this JVM, resolved and claimed on the first call. Call it from {@code @BeforeAll}
     * (of a class with {@link IfAvailable}): without a server it aborts the test class.
     *
     * @throws IllegalStateException the operator's server cannot be reached or its database is refused
     */
    public static synchronized SqlServerUnderTest get() {
        if (server == null && skipReason == null && failure == null) {
            Choice choice = choose(System::getProperty, System::getenv, () -> DockerClientFactory.instance().isDockerAvailable());
            try {
                switch (choice.kind()) {
                    case OPERATOR -> server = new SqlServerUnderTest(choice.url(), choice.user(), choice.password(),
                            "the SQL Server named by " + URL_PROPERTY + " / " + URL_ENV);
                    case CONTAINER -> server = startContainer();
                    case NONE -> skipReason = NO_SERVER;
                }
                if (server != null) {
                    claim(server.dataSource(), server.origin());
                }
            } catch (SQLException | RuntimeException e) {
                failure = new IllegalStateException((server == null ? "SQL Server" : server.origin()) + ": " + e.getMessage(), e);
                server = null;
            }
        }
        if (failure != null) {
            throw failure;
        }
        Assumptions.assumeTrue(skipReason == null, skipReason);
        return server;
    }

    /** An operator's URL first (a system property before the environment), then Docker, else none. */
    static Choice choose(UnaryOperator<String> properties, UnaryOperator<String> environment, BooleanSupplier docker) {
        String url = either(properties.apply(URL_PROPERTY), environment.apply(URL_ENV));
        if (url != null) {
            return new Choice(Kind.OPERATOR, url, either(properties.apply(USER_PROPERTY), environment.apply(USER_ENV)),
                    either(properties.apply(PASSWORD_PROPERTY), environment.apply(PASSWORD_ENV)));
        }
        return new Choice(docker.getAsBoolean() ? Kind.CONTAINER : Kind.NONE, null, null, null);
    }

    private static String either(String first, String second) {
        return first != null && !first.isBlank() ? first : second != null && !second.isBlank() ? second : null;
    }

    private static SqlServerUnderTest startContainer() {
        MSSQLServerContainer container = new MSSQLServerContainer(IMAGE).acceptLicense();
        container.start();
        // One container for every suite of the JVM; Testcontainers' reaper removes it too if this hook never runs.
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "sqlserver-container-stop"));
        return new SqlServerUnderTest(container.getJdbcUrl(), container.getUsername(), container.getPassword(), "a SQL Server 2022 container");
    }

    /**
     * Makes sure the suites may drop and recreate the clinic tables in this database: a database
     * with none of them is marked as the suite's; one marked before is the suite's; one that holds
     * clinic tables or a ledger without the mark is refused (it may be a clinic's).
     */
    static void claim(DataSource dataSource, String origin) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement s = connection.createStatement()) {
            Set<String> found = new TreeSet<>();
            try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_SCHEMA) = 'DBO'"
                    + " AND UPPER(TABLE_NAME) IN ('TBLALIGNERNOTES', 'TBLALIGNERBATCHES', 'ALIGNERSYNCLEDGER', 'ALIGNERSYNCTESTSUITE')")) {
                while (rs.next()) {
                    found.add(rs.getString(1).toUpperCase(java.util.Locale.ROOT));
                }
            }
            if (found.contains("ALIGNERSYNCTESTSUITE")) {
                return;
            }
            if (!found.isEmpty()) {
                throw new IllegalStateException("refusing to run the SQL Server tests in database '" + connection.getCatalog() + "' of "
                        + origin + ": it holds " + found + " but no " + MARKER + ", so it was not prepared by the test suite, and the"
                        + " tests drop and recreate those tables. Point " + URL_PROPERTY + " at a scratch database (CREATE DATABASE"
                        + " aligner_sync_test; then ;databaseName=aligner_sync_test in the URL), never a clinic's");
            }
            s.execute("CREATE TABLE " + MARKER + " (Note varchar(200))");
            s.execute("INSERT INTO " + MARKER + " (Note) VALUES ('aligner-sync test suite: its SQL Server tests drop and recreate the"
                    + " clinic tables in this database')");
        }
    }

    /** A data source for the server; the user and password only where given apart from the URL. */
    public DataSource dataSource() {
        SQLServerDataSource dataSource = new SQLServerDataSource();
        dataSource.setURL(jdbcUrl);
        if (user != null) {
            dataSource.setUser(user);
        }
        if (password != null) {
            dataSource.setPassword(password);
        }
        return dataSource;
    }

    /** The URL with the user and password in it, for commands that open their own pool. */
    public String fullJdbcUrl() {
        return jdbcUrl + (user == null ? "" : ";user=" + user) + (password == null ? "" : ";password=" + password);
    }

    @Override
    public String toString() {
        return origin; // never the URL or the password: the URL may carry the password too
    }
}
