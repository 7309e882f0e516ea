package com.alignersync.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.alignersync.deploy.support.LauncherProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
 * The jar it starts here is a probe ({@link LauncherProbe}) that prints the options its JVM got and
 * ends as the run command does: cleanly, failing at start, or on SIGTERM.
 */
class LauncherScriptTest {

    private static final Path LAUNCHER = Path.of("connector-config/aligner-sync.sh").toAbsolutePath();

    @TempDir
    Path dir;

    private Path jar;
    private Path archive;
    private Path pending;

    @BeforeEach
    void probeJar() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "the launcher is a POSIX shell script; Windows starts java from the WinSW file");
        jar = dir.resolve("aligner-sync.jar");
        writeProbeJar(jar);
        archive = dir.resolve("data/aligner-sync.jsa");
        pending = dir.resolve("data/aligner-sync.jsa.new");
    }

    @Test
    void startsTheJarWithTheShippedJvmOptionsAndPassesTheArguments() throws Exception {
        Run run = launch("status", "--json");
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(DocumentationTest.SHIPPED_JVM_OPTIONS, String.join(" ", run.jvmOptions().subList(0, 5)), run.output());
        assertEquals(List.of("status", "--json"), run.arguments());
    }

    /**
     * Whether this JDK maps its own class-data archive (lib/server/classes.jsa) with the shipped options: the launcher
     * writes one of its own only then, and runs without one otherwise (covered by the tests that need no archive).
     */
    private static boolean jdkSharesClasses() throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        command.addAll(List.of(DocumentationTest.SHIPPED_JVM_OPTIONS.split(" ")));
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String flags = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        java.waitFor(60, TimeUnit.SECONDS);
        return flags.lines().anyMatch(l -> l.matches("\\s*bool UseSharedSpaces\\s*= true\\b.*"));
    }

    private static void assumeTheJdkSharesClasses() throws Exception {
        assumeTrue(jdkSharesClasses(), "this JDK maps no class-data archive of its own (no lib/server/classes.jsa?): the launcher"
                + " writes none either; a JDK that ships one runs this test");
    }

    @Test
    void aCleanRunWithoutAnArchiveWritesOneAndTheNextRunMapsIt() throws Exception {
        assumeTheJdkSharesClasses();
        Run first = launch("run");
        assertEquals(0, first.exitCode(), first.output());
        assertTrue(first.jvmOptions().contains("-XX:ArchiveClassesAtExit=" + pending), first.output());
        assertTrue(first.output().contains("this run writes " + archive + " when it stops cleanly"), first.output());
        assertTrue(Files.size(pending) > 0, "the JVM wrote the archive at exit, beside the one in use");

        Run second = launch("run");
        assertTrue(second.jvmOptions().contains("-XX:SharedArchiveFile=" + archive), second.output());
        assertFalse(second.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit")), second.output());
        assertFalse(Files.exists(pending));
    }

    @Test
    void aRunThatFailsAtStartLeavesNoArchiveInUse() throws Exception {
        assumeTheJdkSharesClasses();
        // A configuration error, a locked data directory: the few classes loaded before are no archive to keep for good.
        Run failed = launch("run", "fail");
        assertEquals(3, failed.exitCode(), failed.output());

        Run next = launch("run");
        assertFalse(next.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile")), next.output());
        assertTrue(next.jvmOptions().contains("-XX:ArchiveClassesAtExit=" + pending), next.output());
        assertTrue(launch("run").jvmOptions().contains("-XX:SharedArchiveFile=" + archive), "the clean run's archive is used");
    }

    @Test
    void aDaemonStoppedWithSigtermThroughTheLauncherExitsZeroAndItsArchiveIsUsedNext() throws Exception {
        assumeTheJdkSharesClasses();
        Process daemon = builder(Map.of(), "run", "wait").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("ready")) {
                // the options and the arguments
            }
            assertEquals("ready", line, "the probe started");
            daemon.destroy(); // SIGTERM, to the JVM itself: the launcher exec'd it
            assertTrue(daemon.waitFor(60, TimeUnit.SECONDS));
        }
        assertEquals(0, daemon.exitValue());
        assertTrue(Files.exists(pending), "written at exit");

        Run next = launch("run");
        assertTrue(next.jvmOptions().contains("-XX:SharedArchiveFile=" + archive), next.output());
    }

    @Test
    void anArchiveOfAnotherJarIsWrittenAgainNotMapped() throws Exception {
        assumeTheJdkSharesClasses();
        launch("run");
        launch("run");
        assertTrue(Files.exists(archive));
        // An upgraded jar: the JVM would refuse the archive (and start without it for good); the launcher writes a new one.
        writeProbeJar(jar);
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));

        Run upgraded = launch("run");
        assertTrue(upgraded.jvmOptions().contains("-XX:ArchiveClassesAtExit=" + pending), upgraded.output());
        Run after = launch("run");
        assertTrue(after.jvmOptions().contains("-XX:SharedArchiveFile=" + archive), after.output());
    }

    @Test
    void otherCommandsMapAnArchiveButNeverWriteOne() throws Exception {
        assumeTheJdkSharesClasses();
        Run status = launch("status");
        assertFalse(status.jvmOptions().stream().anyMatch(o -> o.contains("Archive")), status.output());
        assertFalse(Files.exists(pending), "a short command would write an archive of the few classes it loads");

        launch("run");
        Run check = launch("check");
        assertTrue(check.jvmOptions().contains("-XX:SharedArchiveFile=" + archive), check.output());
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
        assertTrue(other.output().contains("this JVM does not share classes with these options"), other.output());
    }

    @Test
    void sharingTurnedOffByTheOperatorIsLeftOff() throws Exception {
        // Wherever it is said: asked to write an archive with sharing off, the JVM would not start at all.
        for (Map<String, String> off : List.of(Map.of("JAVA_OPTS", "-Xshare:off"), Map.of("JAVA_OPTS", "-XX:-UseSharedSpaces"),
                Map.of("JAVA_TOOL_OPTIONS", "-Xshare:off"), Map.of("JDK_JAVA_OPTIONS", "-Xshare:off"), Map.of("_JAVA_OPTIONS", "-Xshare:off"),
                Map.of("ALIGNER_SYNC_CDS", "off"))) {
            Run run = launch(off, "run");
            assertEquals(0, run.exitCode(), off + ": " + run.output());
            assertEquals(List.of("run"), run.arguments(), off + ": the daemon started");
            assertFalse(run.jvmOptions().stream().anyMatch(o -> o.contains("Archive")), off + ": " + run.output());
        }
        assertFalse(Files.exists(pending));
    }

    @Test
    void anArchiveThatCannotBeWrittenNeverKeepsTheDaemonFromStarting() throws Exception {
        assumeTheJdkSharesClasses();
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "");
        Path unwritable = notADirectory.resolve("aligner-sync.jsa");
        Run run = launch(Map.of("ALIGNER_SYNC_CDS", unwritable.toString()), "run");
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(List.of("run"), run.arguments(), "the daemon started");
        assertFalse(run.jvmOptions().stream().anyMatch(o -> o.contains("Archive")), run.output());
        assertTrue(run.output().contains("cannot write the class-data archive " + unwritable + " (set ALIGNER_SYNC_CDS to a writable"
                + " path, or off); running without it"), run.output());
    }

    /** What `archive` reads here: the probe, as the shipped list names the daemon's classes, and a JDK class. */
    private Path probeClassList() throws IOException {
        return Files.writeString(dir.resolve("probe.classlist"), "java/lang/Object\n" + LauncherProbe.class.getName().replace('.', '/') + "\n");
    }

    @Test
    void theArchiveCommandWritesOneBesideTheJarThatEveryStartMapsFromTheFirst() throws Exception {
        assumeTheJdkSharesClasses();
        Path built = dir.resolve("aligner-sync.jsa");
        Run archiveRun = launch(Map.of("ALIGNER_SYNC_CLASSLIST", probeClassList().toString()), "archive");
        assertEquals(0, archiveRun.exitCode(), archiveRun.output());
        assertTrue(archiveRun.output().contains("wrote " + built + " for " + jar), archiveRun.output());
        assertTrue(archiveRun.arguments().isEmpty(), "archive is the launcher's own command: the jar's main did not run");

        // A new installation's first start: nothing in the data directory yet, the archive beside the jar mapped.
        Run first = launch("run");
        assertEquals(0, first.exitCode(), first.output());
        assertTrue(first.jvmOptions().contains("-XX:SharedArchiveFile=" + built), first.output());
        assertFalse(first.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit")), first.output());
        assertFalse(Files.exists(pending), "no second archive is written where one fits");
        assertTrue(launch("status").jvmOptions().contains("-XX:SharedArchiveFile=" + built), "other commands map it too");
    }

    @Test
    void anArchiveBesideAnotherJarIsPassedOverAndTheDataDirectoryGetsItsOwn() throws Exception {
        assumeTheJdkSharesClasses();
        assertEquals(0, launch(Map.of("ALIGNER_SYNC_CLASSLIST", probeClassList().toString()), "archive").exitCode());
        // The jar upgraded in place without running `archive` again: the JVM would refuse the old one.
        writeProbeJar(jar);
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));

        Run upgraded = launch("run");
        assertEquals(0, upgraded.exitCode(), upgraded.output());
        assertTrue(upgraded.output().contains(dir.resolve("aligner-sync.jsa") + " does not fit this jar, JVM or options (upgraded since it"
                + " was written?): 'sh " + LAUNCHER + " archive' writes it again"), upgraded.output());
        assertTrue(upgraded.jvmOptions().contains("-XX:ArchiveClassesAtExit=" + pending), upgraded.output());
        assertTrue(upgraded.output().contains("archive' makes one before a first start"), upgraded.output());
        assertTrue(launch("run").jvmOptions().contains("-XX:SharedArchiveFile=" + archive), "the data directory's own is used next");
    }

    @Test
    void archiveTurnedOffLeavesTheArchiveBesideTheJarUnused() throws Exception {
        assumeTheJdkSharesClasses();
        assertEquals(0, launch(Map.of("ALIGNER_SYNC_CLASSLIST", probeClassList().toString()), "archive").exitCode());
        Run off = launch(Map.of("ALIGNER_SYNC_CDS", "off"), "run");
        assertEquals(0, off.exitCode(), off.output());
        assertFalse(off.jvmOptions().stream().anyMatch(o -> o.contains("Archive")), off.output());
    }

    @Test
    void theArchiveCommandNamesWhatItLacksAndWritesNothing() throws Exception {
        Run noList = launch(Map.of("ALIGNER_SYNC_CLASSLIST", dir.resolve("none.classlist").toString()), "archive");
        assertEquals(1, noList.exitCode(), noList.output());
        assertTrue(noList.output().contains("no class list at " + dir.resolve("none.classlist") + ": copy connector-config whole, or set"
                + " ALIGNER_SYNC_CLASSLIST"), noList.output());

        // A JVM that does not start (an option it does not know): its own reason is shown, then the launcher's.
        Run refused = launch(Map.of("ALIGNER_SYNC_CLASSLIST", probeClassList().toString(), "JAVA_OPTS", "-XX:+NoSuchOptionHere"),
                "archive");
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("Unrecognized VM option 'NoSuchOptionHere'"), "what the JVM said: " + refused.output());
        assertTrue(refused.output().contains("the JVM could not write " + dir.resolve("aligner-sync.jsa") + " (above, what it said);"
                + " the daemon runs without it"), refused.output());
        assertFalse(Files.exists(dir.resolve("aligner-sync.jsa")));
        try (var left = Files.list(dir)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no half-written archive is left behind");
        }
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
        Process process = builder(environment, args).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the launcher ended");
        return new Run(process.exitValue(), output);
    }

    /** The launcher as the unit and the image start it: sh, the script, the command. */
    private ProcessBuilder builder(Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(List.of("/bin/sh", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA", ProcessHandle.current().info().command().orElse("java"));
        builder.environment().put("ALIGNER_SYNC_JAR", jar.toString());
        builder.environment().put("DATA_DIR", dir.resolve("data").toString());
        builder.environment().remove("ALIGNER_SYNC_CDS");
        builder.environment().remove("ALIGNER_SYNC_CLASSLIST");
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("_JAVA_OPTIONS");
        builder.environment().putAll(environment);
        return builder;
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
