package com.alignersync.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A real PostgreSQL (zonky embedded binaries) standing in for the Supabase portal database:
 * {@code wal_level=logical} for replication, {@code synchronous_commit=on} (zonky turns it
 * off, which delays every commit's WAL flush by ~200 ms), and the portal tables of
 * {@code embedded/portal-schema.sql} (the portal tables the embedded default also uses).
 */
public final class PortalPostgres implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private PortalPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static PortalPostgres start() throws IOException, SQLException {
        return start(builder());
    }

    /**
     * A server whose data directory outlives it, so a test can stop Postgres and start it again
     * on the same port with the same data (slots included), as an outage would look.
     *
     * @param port 0 picks a free port; pass the {@link #port()} of the previous server to restart it
     */
    public static PortalPostgres startPersistent(java.nio.file.Path dataDirectory, int port) throws IOException, SQLException {
        EmbeddedPostgres.Builder builder = builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false);
        if (port > 0) {
            builder.setPort(port);
        }
        return start(builder);
    }

    private static EmbeddedPostgres.Builder builder() {
        return EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_wal_senders", "10")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "off");
    }

    private static PortalPostgres start(EmbeddedPostgres.Builder builder) throws IOException, SQLException {
        EmbeddedPostgres postgres = builder.start();
        PortalPostgres portal = new PortalPostgres(postgres);
        portal.execute(resource("/embedded/portal-schema.sql"));
        return portal;
    }

    /** A portal prepared as on Supabase: {@code connector-config/supabase-setup.sql} has run. */
    public static PortalPostgres startSetUp() throws IOException, SQLException {
        PortalPostgres portal = start();
        portal.execute(java.nio.file.Files.readString(java.nio.file.Path.of("connector-config/supabase-setup.sql")));
        return portal;
    }

    public DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    public int port() {
        return postgres.getPort();
    }

    /** As Supabase shows it: {@code postgresql://user:password@host:port/db}. */
    public String dbUrl() {
        return "postgresql://postgres:postgres@localhost:" + port() + "/postgres";
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public static String resource(String path) throws IOException {
        try (InputStream in = PortalPostgres.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Stops the server of {@code dataDirectory} at once, as a crash or a killed container would:
     * SIGQUIT, PostgreSQL's immediate shutdown. A regular stop waits for WAL senders to be
     * confirmed by their clients and, with a busy replication client, can outlast zonky's
     * stop timeout and leave the server running.
     */
    public void crash(java.nio.file.Path dataDirectory) throws IOException, InterruptedException {
        long pid = Long.parseLong(java.nio.file.Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
        Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -QUIT " + pid + " failed");
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("postmaster " + pid + " still alive 30 s after SIGQUIT");
            }
            Thread.sleep(20);
        }
        // Releases zonky's own lock on the data directory, so the server can be started again there.
        postgres.close();
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
