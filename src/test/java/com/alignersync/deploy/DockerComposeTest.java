package com.alignersync.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.ConfigKey;
import com.alignersync.config.ConfigKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot be run here (no Docker engine); this pins what can be checked
 * without one: it parses, its files exist, and the daemon's service sets only variables the
 * daemon reads, including every one it needs.
 */
class DockerComposeTest {

    /** Read by the runtime around the daemon (logback, the JVM, the image's launcher), not by the daemon's configuration. */
    private static final Set<String> RUNTIME_VARIABLES = Set.of("LOG_DIR", "JAVA_TOOL_OPTIONS", "JAVA", "JAVA_OPTS", "ALIGNER_SYNC_JAR",
            "ALIGNER_SYNC_CDS");

    private final JsonNode compose = read();

    private static JsonNode read() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(Files.readString(Path.of("docker-compose.yml")));
        } catch (Exception e) {
            throw new IllegalStateException("docker-compose.yml does not parse: " + e.getMessage(), e);
        }
    }

    @Test
    void theStackHasThePortalTheClinicAndTheDaemon() {
        assertTrue(compose.path("services").has("portal-db"));
        assertTrue(compose.path("services").has("clinic-db"));
        assertTrue(compose.path("services").has("aligner-sync"));
        String portalCommand = compose.path("services").path("portal-db").path("command").toString();
        assertTrue(portalCommand.contains("wal_level=logical"), portalCommand);
        assertEquals("mcr.microsoft.com/mssql/server:2022-latest", compose.path("services").path("clinic-db").path("image").asText());
    }

    @Test
    void theDaemonRunsThroughTheImagesLauncher() {
        JsonNode daemon = compose.path("services").path("aligner-sync");
        // init before run; the command (run, or what `docker compose run aligner-sync check` names) through the launcher.
        String entrypoint = daemon.path("entrypoint").toString();
        assertTrue(entrypoint.contains("if [ \\\"$$1\\\" = run ]; then sh /app/connector-config/aligner-sync.sh init || exit; fi;"
                + " exec sh /app/connector-config/aligner-sync.sh \\\"$$@\\\""), "the command with the shipped JVM options and class-data archive: " + entrypoint);
        assertEquals("[\"run\"]", daemon.path("command").toString());
        // A clean stop commits in-flight batches, stores offsets and writes the class-data archive: not in Docker's 10 s.
        assertEquals("60s", daemon.path("stop_grace_period").asText());
    }

    @Test
    void theDaemonIsGivenOnlyVariablesItReadsAndEveryOneItNeeds() {
        Set<String> known = new HashSet<>(RUNTIME_VARIABLES);
        ConfigKeys.all().stream().map(ConfigKey::env).forEach(known::add);
        Set<String> given = new HashSet<>();
        Iterator<String> names = compose.path("services").path("aligner-sync").path("environment").fieldNames();
        names.forEachRemaining(given::add);
        for (String name : given) {
            assertTrue(known.contains(name), name + " is set in docker-compose.yml but the daemon does not read it");
        }
        for (String needed : List.of("SUPABASE_DB_URL", "SQLSERVER_JDBC_URL", "SQLSERVER_USER", "SQLSERVER_PASSWORD", "WEBHOOK_SECRET", "DATA_DIR", "PORT")) {
            assertTrue(given.contains(needed), needed + " is missing from the aligner-sync service");
        }
    }

    @Test
    void everyFileTheStackMountsOrBuildsFromExists() {
        assertTrue(Files.exists(Path.of("Dockerfile")));
        for (JsonNode service : compose.path("services")) {
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith("./")) {
                    assertTrue(Files.exists(Path.of(source)), source + " is mounted but does not exist");
                }
            }
        }
    }
}
