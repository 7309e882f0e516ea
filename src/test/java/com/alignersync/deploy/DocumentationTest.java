package com.alignersync.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.ConfigKey;
import com.alignersync.config.ConfigKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The README stays a front page, its commands are the ones CI and a newcomer run, every link
 * between README.md and docs/ lands on a file and heading that exist, and the Windows service
 * definition sets only variables the daemon reads.
 */
class DocumentationTest {

    /** Read by the runtime around the daemon (logback, the JVM), not by the daemon's configuration. */
    static final Set<String> RUNTIME_VARIABLES = Set.of("LOG_DIR", "JAVA_TOOL_OPTIONS");

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+)$", Pattern.MULTILINE);

    private static List<Path> documents() throws Exception {
        List<Path> all = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(all::add);
        }
        return all;
    }

    @Test
    void theReadmeIsAFrontPageWithTheTwoCommands() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String> headings = new ArrayList<>();
        Matcher m = HEADING.matcher(readme);
        while (m.find()) {
            headings.add(m.group(1).trim());
        }
        assertEquals(List.of("aligner-sync", "Try it: the embedded default", "Build and test", "Run it for a clinic", "Documentation"),
                headings, "the README keeps what it is, the set-up commands, running it for a clinic, and links; the rest is in docs/");
        assertTrue(readme.lines().count() < 120, "the README stays short: " + readme.lines().count() + " lines");
        assertTrue(readme.contains("mvn -q -DskipTests package && connector-config/aligner-sync.sh run --embedded"));
        assertTrue(readme.contains("mvn -B -ntp verify"), "the README's test command");
        assertTrue(Files.readString(Path.of(".ci/run")).lines().anyMatch(line -> line.trim().equals("mvn -B -ntp verify")),
                "CI runs exactly the README's test command");
    }

    @Test
    void everyLinkBetweenTheDocumentsLandsOnAFileAndAHeadingThatExist() throws Exception {
        List<String> broken = new ArrayList<>();
        for (Path document : documents()) {
            Matcher m = LINK.matcher(Files.readString(document));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http(s), mailto
                }
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = file.isEmpty() ? document : document.toAbsolutePath().getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(document + ": " + target + " (no such file)");
                } else if (anchor != null && resolved.toString().endsWith(".md") && !anchors(resolved).contains(anchor)) {
                    broken.add(document + ": " + target + " (no such heading; there are " + anchors(resolved) + ")");
                }
            }
        }
        assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
    }

    @Test
    void theReadmeAndTheOperationsGuideLinkEveryDocument() throws Exception {
        Set<String> expected = new HashSet<>(Set.of("operations.md", "configuration.md", "sink.md", "inputs-cdc.md", "inputs-webhook.md",
                "inputs-poll.md", "benchmarks.md", "architecture.md", "two-way.md", "reconcile-and-verify.md", "console-and-status.md",
                "sqlserver-failures.md"));
        String readme = Files.readString(Path.of("README.md"));
        String operations = Files.readString(Path.of("docs/operations.md"));
        for (String doc : expected) {
            assertTrue(readme.contains("](docs/" + doc), "README links docs/" + doc);
            if (!doc.equals("operations.md")) {
                assertTrue(operations.contains("](" + doc), "the operations guide links " + doc);
            }
        }
    }

    /** GitHub's heading ids: rendered text, lower case, punctuation dropped, spaces to hyphens. */
    static Set<String> anchors(Path markdown) throws Exception {
        String text = Files.readString(markdown).replaceAll("(?s)```.*?```", "");
        Set<String> anchors = new HashSet<>();
        Matcher m = HEADING.matcher(text);
        while (m.find()) {
            String rendered = m.group(1).trim().replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1").replace("`", "");
            anchors.add(rendered.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
        }
        return anchors;
    }

    /** The JVM options measured in docs/benchmarks.md ("Footprint"), the same wherever the daemon is started. */
    static final String SHIPPED_JVM_OPTIONS = "-XX:+UseSerialGC -Xms16m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError";

    @Test
    void everyShippedStartUsesTheMeasuredJvmOptions() throws Exception {
        // The launcher holds them once; the unit, the image and the README start the daemon through it.
        String launcher = Files.readString(Path.of("connector-config/aligner-sync.sh"));
        assertTrue(launcher.contains("\nJVM_OPTIONS=\"" + SHIPPED_JVM_OPTIONS + "\"\n"), "connector-config/aligner-sync.sh");
        String unit = Files.readString(Path.of("connector-config/aligner-sync.service"));
        // Through /bin/sh: a copy that lost the execute bit (a Windows share, an unzip) still starts.
        assertTrue(unit.contains("\nExecStart=/bin/sh /opt/aligner-sync/connector-config/aligner-sync.sh run\n"), "systemd unit");
        String docker = Files.readString(Path.of("Dockerfile"));
        assertTrue(docker.contains("\nENTRYPOINT [\"/bin/sh\", \"/app/connector-config/aligner-sync.sh\"]\n"), "Dockerfile");
        // Windows has no sh: WinSW starts java itself, with the same options (and no class-data archive).
        String winsw = Files.readString(Path.of("connector-config/windows/aligner-sync.xml"));
        assertTrue(winsw.contains("<arguments>" + SHIPPED_JVM_OPTIONS + " -jar "), "WinSW service");
    }

    @Test
    void theShippedInstallationsKeepNoteTextFromOtherAccounts() throws Exception {
        // Dead letters and the embedded portal hold note text: files 0600 under directories 0700 (DESIGN.md 11).
        String unit = Files.readString(Path.of("connector-config/aligner-sync.service"));
        for (String line : List.of("UMask=0077", "StateDirectoryMode=0700", "LogsDirectoryMode=0700")) {
            assertTrue(unit.contains("\n" + line + "\n"), line + " is missing from the systemd unit");
        }
        // Windows: no inherited read access (Users, Authenticated Users) on data and logs.
        String operations = Files.readString(Path.of("docs/operations.md"));
        for (String dir : List.of("data", "logs")) {
            assertTrue(operations.contains("icacls " + dir + " /inheritance:r /grant:r \"NT AUTHORITY\\LocalService:(OI)(CI)F\""),
                    "docs/operations.md: the Windows steps must drop inherited access on " + dir);
        }
    }

    @Test
    void theWindowsServiceRunsTheDaemonAndSetsOnlyVariablesItReads() throws Exception {
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("connector-config/windows/aligner-sync.xml").toFile());
        Element service = xml.getDocumentElement();
        assertEquals("service", service.getTagName());
        assertEquals("aligner-sync", text(service, "id"));
        assertTrue(text(service, "arguments").matches(".*-jar \"%BASE%\\\\aligner-sync.jar\" run( .*|$)"), text(service, "arguments"));
        assertTrue(!text(service, "arguments").contains("-Xrs"), "-Xrs would keep Ctrl+C (WinSW's stop) from the shutdown hook");
        assertTrue(text(service, "stoptimeout").matches("\\d+ sec"), "a clean stop gets time to commit and store offsets");
        Set<String> known = ConfigKeys.all().stream().map(ConfigKey::env).collect(Collectors.toSet());
        NodeList env = service.getElementsByTagName("env");
        assertTrue(env.getLength() > 0);
        for (int i = 0; i < env.getLength(); i++) {
            String name = ((Element) env.item(i)).getAttribute("name");
            assertTrue(known.contains(name) || RUNTIME_VARIABLES.contains(name), name + " is not a variable the daemon reads");
        }
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        assertEquals(1, nodes.getLength(), "one <" + tag + ">");
        return nodes.item(0).getTextContent().trim();
    }
}
