package com.alignersync.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * connector-config/aligner-sync.classlist, the classes a start of the daemon loads, from which
 * {@code aligner-sync.sh archive} (run by {@code mvn package} and the Dockerfile) writes the archive
 * an installation's first start maps. A class the list names and the jar no longer has is left out
 * of the archive, and one it does not name is loaded the slow way: a list gone stale after a
 * dependency upgrade or a rename costs start time, silently, so it fails here instead.
 */
class ClassListTest {

    static final Path CLASS_LIST = Path.of("connector-config/aligner-sync.classlist");

    /** How to write it again; docs/benchmarks.md, "Footprint", says the same. */
    static final String REGENERATE = "write it again: mvn -q -DskipTests package exec:java"
            + " -Dexec.mainClass=com.alignersync.bench.ClassListTraining";

    private static List<String> classes() throws IOException {
        // Lines starting with @ describe lambda forms and proxies, # a comment; the others name a class, then maybe attributes.
        return Files.readAllLines(CLASS_LIST).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#") && !line.startsWith("@"))
                .map(line -> line.split(" ", 2)[0])
                .toList();
    }

    @Test
    void theClassListNamesTheClassesThisBuildHas() throws IOException {
        List<String> listed = classes();
        // The test classpath holds every runtime dependency of the jar and this JDK's classes.
        // Dynamic proxies ($Proxy0...) are made at run time, never read from a jar.
        List<String> missing = listed.stream().filter(name -> !name.matches(".*\\$Proxy\\d+"))
                .filter(name -> ClassLoader.getSystemResource(name + ".class") == null).toList();
        // A few JDK-internal classes differ between JDK 17 builds; more than that is a stale list.
        assertTrue(missing.size() <= listed.size() / 50, missing.size() + " of the " + listed.size() + " classes in " + CLASS_LIST
                + " are not in this build (" + String.join(", ", missing.subList(0, Math.min(10, missing.size()))) + ", ...): "
                + REGENERATE);
    }

    @Test
    void theClassListCoversAWholeStartOfTheDaemon() throws IOException {
        List<String> listed = classes();
        // The entry point, the embedded default's databases, the sink, each input (the poller's HTTP client too) and the HTTP server.
        for (String name : List.of("com/alignersync/cli/Main", "com/alignersync/cli/RunCommand", "com/alignersync/app/Daemon",
                "com/alignersync/embedded/EmbeddedStack", "com/alignersync/sink/SqlServerSink", "com/alignersync/source/cdc/CdcInput",
                "io/debezium/connector/postgresql/PostgresConnectorTask", "org/h2/engine/Database", "org/eclipse/jetty/server/Server",
                "com/alignersync/http/HttpServer", "com/alignersync/source/poll/Poller", "jdk/internal/net/http/HttpClientImpl",
                "com/alignersync/reconcile/Reconciler", "com/alignersync/source/webhook/WebhookInput")) {
            assertTrue(listed.contains(name), CLASS_LIST + " does not name " + name + ": it was written from a run that did not start"
                    + " the daemon whole; " + REGENERATE);
        }
    }
}
