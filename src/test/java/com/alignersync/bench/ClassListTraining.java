package com.alignersync.bench;

import java.nio.file.Path;
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
        List<String> options = new ArrayList<>(DaemonBenchmark.shippedJvmOptions());
        options.add("-XX:DumpLoadedClassList=" + classList);
        DaemonBenchmark.Result run = DaemonBenchmark.measure(5, 1, 0, DaemonBenchmark.Launch.java(options));
        if (run.exitCode() != 0) {
            throw new IllegalStateException("the training run ended with exit code " + run.exitCode() + ": " + classList
                    + " may be incomplete; run it again");
        }
        System.out.println("wrote " + classList + "; 'mvn package' writes the archive from it");
        System.exit(0); // the embedded databases' threads
    }
}
