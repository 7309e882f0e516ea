package com.alignersync.embedded;

import com.alignersync.sink.LedgerSql;
import com.alignersync.sink.SqlDialect;
import com.alignersync.state.PrivateFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code run --embedded} needs besides the daemon: a real PostgreSQL (zonky's
 * binaries, {@code wal_level=logical}) holding the portal tables, set up exactly as
 * {@code connector-config/supabase-setup.sql} sets up Supabase, and an H2 database in
 * MODE=MSSQLServer holding the clinic tables. Both live under {@code data/embedded/} and keep
 * their data between runs; sample data is inserted only when they are first created. zonky starts
 * PostgreSQL with fsync off ({@code -F}): a stack for trying the daemon, not for data to keep.
 */
public final class EmbeddedStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStack.class);

    private final EmbeddedPostgres postgres;
    private final Path clinicFile;

    private EmbeddedStack(EmbeddedPostgres postgres, Path clinicFile) {
        this.postgres = postgres;
        this.clinicFile = clinicFile;
    }

    /**
     * @param root           {@code data/embedded}
     * @param postgresPort   fixed, so the printed psql command stays valid between runs
     */
    public static EmbeddedStack start(Path root, int postgresPort) throws IOException, SQLException {
        Path pgData = root.resolve("postgres");
        boolean newPortal = !Files.exists(pgData.resolve("postgresql.conf"));
        // The portal's rows are patient data: data/embedded and its postgres directory are 0700.
        PrivateFiles.createDirectories(pgData);
        log.info("embedded: starting PostgreSQL on port {} with data in {}{}", postgresPort, pgData, newPortal ? " (new)" : "");
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setPort(postgresPort)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_wal_senders", "10")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("synchronous_commit", "on")
                .start();
        try {
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute(resource("portal-schema.sql"));
                s.execute(resource("supabase-setup.sql"));
                if (newPortal) {
                    s.execute(resource("portal-sample-data.sql"));
                }
            }
            Path clinicFile = root.resolve("clinic");
            boolean newClinic = !Files.exists(root.resolve("clinic.mv.db"));
            try (Connection c = DriverManager.getConnection(clinicUrl(clinicFile)); Statement s = c.createStatement()) {
                if (newClinic) {
                    s.execute("CREATE SCHEMA IF NOT EXISTS dbo");
                    s.execute(resource("clinic-schema.sql"));
                }
                // What `init` does on a real SQL Server; the embedded clinic is ours to set up.
                for (String ddl : new LedgerSql(SqlDialect.H2).ddl()) {
                    s.execute(ddl);
                }
                if (newClinic) {
                    s.execute(resource("clinic-sample-data.sql"));
                }
            }
            log.info("embedded: clinic database (H2, MODE=MSSQLServer) in {}.mv.db{}", clinicFile, newClinic ? " (new)" : "");
            return new EmbeddedStack(postgres, clinicFile);
        } catch (SQLException | RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    /** AUTO_SERVER lets a second process (the H2 shell, the status command) open the file while the daemon runs. */
    private static String clinicUrl(Path clinicFile) {
        return "jdbc:h2:file:" + clinicFile.toAbsolutePath() + ";MODE=MSSQLServer;AUTO_SERVER=TRUE";
    }

    public int postgresPort() {
        return postgres.getPort();
    }

    /** The environment that points the daemon at the embedded databases (overrides file and real environment). */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SUPABASE_DB_URL", portalUrl());
        env.put("SQLSERVER_JDBC_URL", clinicUrl(clinicFile));
        env.put("SQLSERVER_USER", "");
        env.put("SQLSERVER_PASSWORD", "");
        return env;
    }

    public String portalUrl() {
        return "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres";
    }

    public String clinicJdbcUrl() {
        return clinicUrl(clinicFile);
    }

    static String resource(String name) {
        try (InputStream in = EmbeddedStack.class.getResourceAsStream("/embedded/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource /embedded/" + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
