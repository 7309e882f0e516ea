package com.alignersync.deploy.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Stands in for the daemon's main class in a jar the launcher script starts: prints the JVM
 * options it got and its arguments, one per line, then ends as the {@code run} command does.
 * {@code run}: a run that started and stopped cleanly (the complete-run file is written);
 * {@code run fail}: a start that failed (exit 3, no file); {@code run wait}: waits for SIGTERM,
 * then writes the file and ends with exit code 0, as RunCommand's shutdown hook does. Depends on
 * nothing but the JDK, so its class file alone makes the jar.
 */
public final class LauncherProbe {

    private static final String COMPLETE_RUN_PROPERTY = "aligner-sync.complete-run-file";

    private LauncherProbe() {
    }

    public static void main(String[] args) throws Exception {
        ManagementFactory.getRuntimeMXBean().getInputArguments().forEach(option -> System.out.println("jvm " + option));
        for (String arg : args) {
            System.out.println("arg " + arg);
        }
        List<String> arguments = List.of(args);
        if (!arguments.contains("run")) {
            return;
        }
        if (arguments.contains("fail")) {
            System.exit(3);
        }
        if (arguments.contains("wait")) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                confirmCompleteRun();
                Runtime.getRuntime().halt(0);
            }));
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        confirmCompleteRun();
    }

    private static void confirmCompleteRun() {
        String file = System.getProperty(COMPLETE_RUN_PROPERTY);
        if (file != null) {
            try {
                Files.write(Path.of(file), new byte[0]);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
