package com.alignersync.deploy.support;

import java.lang.management.ManagementFactory;

/**
 * Stands in for the daemon's main class in a jar the launcher script starts: prints the JVM
 * options it got and its arguments, one per line, and exits. Depends on nothing but the JDK, so
 * its class file alone makes the jar.
 */
public final class LauncherProbe {

    private LauncherProbe() {
    }

    public static void main(String[] args) {
        ManagementFactory.getRuntimeMXBean().getInputArguments().forEach(option -> System.out.println("jvm " + option));
        for (String arg : args) {
            System.out.println("arg " + arg);
        }
    }
}
