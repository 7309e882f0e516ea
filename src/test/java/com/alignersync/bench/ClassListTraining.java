package com.alignersync.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes connector-config/aligner-sync.classlist, the classes the launcher's {@code archive} command
 * puts into the class-data archive an installation's first start maps: the packaged daemon's first
 * start on the embedded default with every input on (the poller and reconcile read a PostgREST
 * stand-in), a few CDC edits, webhooks and polls, a clean stop; the JVM lists each class it loads
 * ({@code -XX:DumpLoadedClassList}). A list from a start with the poller off left the HTTP client's
 * and the poller's classes out, and the starts that load them were half a second slower with it
 * than with an archive written by a whole run. Run with (see docs/benchmarks.md, "Footprint"):
 * <pre>mvn -q -DskipTests package exec:java -Dexec.mainClass=com.alignersync.bench.ClassListTraining</pre>
 */
public final class ClassListTraining {

    private ClassListTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path classList = Path.of("connector-config/aligner-sync.classlist").toAbsolutePath();
        // The JVM empties the file it lists into when it starts: a run that fails must leave the shipped list as it was.
        Path written = Files.createTempFile(classList.getParent(), "aligner-sync", ".classlist.tmp");
        try {
            List<String> options = new ArrayList<>(DaemonBenchmark.shippedJvmOptions());
            options.add("-XX:DumpLoadedClassList=" + written);
            DaemonBenchmark.Result run = DaemonBenchmark.measure(5, 1, 0, DaemonBenchmark.Launch.java(options));
            if (run.exitCode() != 0 || !Files.readAllLines(written).contains("com/alignersync/cli/Main")) {
                throw new IllegalStateException("the training run ended with exit code " + run.exitCode() + " and listed "
                        + Files.readAllLines(written).size() + " lines: " + classList + " is left as it was; run it again");
            }
            Files.move(written, classList, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(written);
        }
        System.out.println("wrote " + classList + "; 'mvn package' writes the archive from it");
        System.exit(0); // the embedded databases' threads
    }
}
