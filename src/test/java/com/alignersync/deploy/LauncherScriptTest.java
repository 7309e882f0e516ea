package com.alignersync.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.alignersync.deploy.support.LauncherProbe;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * connector-config/aligner-sync.sh, the launcher of every shipped start: the shipped JVM options,
 * and the class-data archive kept current as JDK 19+'s -XX:+AutoCreateSharedArchive would, on JDK 17.
 * The jar it starts here is a probe that prints the options its JVM got.
 */
class LauncherScriptTest {

    private static final Path LAUNCHER = Path.of("connector-config/aligner-sync.sh").toAbsolutePath();

    @TempDir
    Path dir;

    private Path jar;
    private Path archive;

    @BeforeEach
    void probeJar() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "the launcher is a POSIX shell script; Windows starts java from the WinSW file");
        jar = dir.resolve("aligner-sync.jar");
        writeProbeJar(jar);
        archive = dir.resolve("data/aligner-sync.jsa");
    }

    @Test
    void startsTheJarWithTheShippedJvmOptionsAndPassesTheArguments() throws Exception {
        Run run = launch("status", "--json");
        assertEquals(0, run.exitCode(), run.output());
        List<String> options = run.jvmOptions();
        assertEquals(DocumentationTest.SHIPPED_JVM_OPTIONS, String.join(" ", options.subList(0, 5)), run.output());
        assertEquals(List.of("status", "--json"), run.arguments());
    }

    @Test
    void aRunWithoutAnArchiveWritesOneWhenItStopsAndTheNextRunMapsIt() throws Exception {
        Run first = launch("run");
        assertEquals(0, first.exitCode(), first.output());
        assertTrue(first.jvmOptions().contains("-XX:ArchiveClassesAtExit=" + archive), first.output());
        assertTrue(first.output().contains("this run writes " + archive + " when it stops"), first.output());
        assertTrue(Files.size(archive) > 0, "the JVM wrote the archive at exit");

        Run second = launch("run");
        assertTrue(second.jvmOptions().contains("-XX:SharedArchiveFile=" + archive), second.output());
        assertFalse(second.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit")), second.output());
    }

    @Test
    void anArchiveOfAnotherJarIsWrittenAgainNotMapped() throws Exception {
        launch("run");
        assertTrue(Files.exists(archive));
        // An upgraded jar: the JVM would refuse the archive (and start without it for good); the launcher writes a new one.
        writeProbeJar(jar);
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));

        Run upgraded = launch("run");
        assertTrue(upgraded.jvmOptions().contains("-XX:ArchiveClassesAtExit=" + archive), upgraded.output());
        Run after = launch("run");
        assertTrue(after.jvmOptions().contains("-XX:SharedArchiveFile=" + archive), after.output());
    }

    @Test
    void optionsUnderWhichTheJvmCannotShareClassesStartTheDaemonWithoutAnArchive() throws Exception {
        launch("run");
        // Without compressed class pointers neither the JDK's own archive nor ours can be mapped, and a JVM asked to
        // write one then refuses to start at all ("DynamicDumpSharedSpaces is unsupported when base CDS archive is not loaded").
        Run other = launch(Map.of("JAVA_OPTS", "-XX:-UseCompressedClassPointers"), "run");
        assertEquals(0, other.exitCode(), other.output());
        assertEquals(List.of("run"), other.arguments(), "the daemon started");
        assertFalse(other.jvmOptions().stream().anyMatch(o -> o.contains("Archive")), other.output());
        assertTrue(other.output().contains("this JVM cannot share classes with these options"), other.output());
    }

    @Test
    void otherCommandsMapAnArchiveButNeverWriteOne() throws Exception {
        Run status = launch("status");
        assertFalse(status.jvmOptions().stream().anyMatch(o -> o.contains("Archive")), status.output());
        assertFalse(Files.exists(archive), "a short command would write an archive of the few classes it loads");

        launch("run");
        Run check = launch("check");
        assertTrue(check.jvmOptions().contains("-XX:SharedArchiveFile=" + archive), check.output());
    }

    @Test
    void classDataSharingCanBeTurnedOff() throws Exception {
        Run run = launch(Map.of("ALIGNER_SYNC_CDS", "off"), "run");
        assertFalse(run.jvmOptions().stream().anyMatch(o -> o.contains("Archive")), run.output());
        assertFalse(Files.exists(archive));
    }

    @Test
    void anArchiveThatCannotBeWrittenNeverKeepsTheDaemonFromStarting() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "");
        Path unwritable = notADirectory.resolve("aligner-sync.jsa");
        Run run = launch(Map.of("ALIGNER_SYNC_CDS", unwritable.toString()), "run");
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(List.of("run"), run.arguments(), "the daemon started");
        assertFalse(run.jvmOptions().stream().anyMatch(o -> o.contains("Archive")), run.output());
        assertTrue(run.output().contains("cannot write the class-data archive " + unwritable + " (set ALIGNER_SYNC_CDS to a writable"
                + " path, or off); running without it"), run.output());
    }

    @Test
    void aMissingJarIsNamedWithTheFix() throws Exception {
        Run run = launch(Map.of("ALIGNER_SYNC_JAR", dir.resolve("nowhere.jar").toString()), "run");
        assertEquals(2, run.exitCode());
        assertTrue(run.output().contains("no jar at " + dir.resolve("nowhere.jar") + ": build it (mvn -q -DskipTests package)"), run.output());
    }

    private record Run(int exitCode, String output) {
        List<String> jvmOptions() {
            return output.lines().filter(l -> l.startsWith("jvm ")).map(l -> l.substring(4)).toList();
        }

        List<String> arguments() {
            return output.lines().filter(l -> l.startsWith("arg ")).map(l -> l.substring(4)).toList();
        }
    }

    private Run launch(String... args) throws Exception {
        return launch(Map.of(), args);
    }

    private Run launch(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/sh", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA", ProcessHandle.current().info().command().orElse("java"));
        builder.environment().put("ALIGNER_SYNC_JAR", jar.toString());
        builder.environment().put("DATA_DIR", dir.resolve("data").toString());
        builder.environment().remove("ALIGNER_SYNC_CDS");
        builder.environment().remove("JAVA_OPTS");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the launcher ended");
        return new Run(process.exitValue(), output);
    }

    /** A jar of the probe's class file alone, its main class in the manifest. */
    private static void writeProbeJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        String entry = LauncherProbe.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            jarOut.putNextEntry(new JarEntry(entry));
            try (var in = LauncherProbe.class.getClassLoader().getResourceAsStream(entry)) {
                in.transferTo(jarOut);
            }
            jarOut.closeEntry();
        }
    }
}
