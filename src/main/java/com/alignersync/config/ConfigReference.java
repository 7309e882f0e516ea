package com.alignersync.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code docs/configuration.md} from {@link ConfigKeys}: the reference is derived from the
 * declared keys (name, variable, default, secret, doc), never written by hand, so it cannot
 * drift from them. {@code ConfigReferenceTest} fails when the file and the keys disagree.
 *
 * <p>Regenerate: {@value #REGENERATE}
 */
public final class ConfigReference {

    public static final Path FILE = Path.of("docs", "configuration.md");
    public static final String REGENERATE = "mvn -q compile exec:java -Dexec.mainClass=com.alignersync.config.ConfigReference";

    /** Section titles by the property's first segment, in the order they are printed; a new prefix gets its own section. */
    private static final Map<String, String> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put("supabase", "Portal (Supabase)");
        SECTIONS.put("sqlserver", "Clinic database (SQL Server)");
        SECTIONS.put("sink", "Sink");
        SECTIONS.put("data", "State directory");
        SECTIONS.put("http", "HTTP server");
        SECTIONS.put("webhook", "Webhook input ([inputs-webhook.md](inputs-webhook.md))");
        SECTIONS.put("poll", "Poll input ([inputs-poll.md](inputs-poll.md))");
        SECTIONS.put("cdc", "CDC input ([inputs-cdc.md](inputs-cdc.md))");
        SECTIONS.put("embedded", "Embedded default (`run --embedded`)");
    }

    private ConfigReference() {
    }

    /** The whole of {@code docs/configuration.md}. */
    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration reference\n\n");
        out.append("<!-- Generated from config/ConfigKeys.java by config/ConfigReference.java; do not edit by hand.\n");
        out.append("     Regenerate: ").append(REGENERATE).append(" -->\n\n");
        out.append("""
                One file, `connector-config/aligner-sync.properties` (pass another with `--config FILE`),
                and the environment: each key's variable overrides the file. Every problem is reported at
                once, naming the property, its variable and the expected value; secrets are masked wherever
                configuration is shown (logs, `status`, error messages). Put secrets in the environment
                (systemd `EnvironmentFile`, the Windows service's environment), not in the file.

                An empty default cell means the key has none: what needs it refuses to start without it
                and says so; `(empty)` means the default is the empty string. Any `debezium.source.*` property of the file is passed to the Debezium
                engine unchanged (as in Debezium Server) and wins over the `cdc.*` keys, e.g.
                `debezium.source.max.batch.size=2048`; `offset.storage`, `connector.class` and `name`
                cannot be overridden.

                """);
        Map<String, List<ConfigKey>> bySection = new LinkedHashMap<>();
        SECTIONS.keySet().forEach(prefix -> bySection.put(prefix, new ArrayList<>()));
        for (ConfigKey key : ConfigKeys.all()) {
            String prefix = key.property().substring(0, key.property().indexOf('.'));
            bySection.computeIfAbsent(prefix, p -> new ArrayList<>()).add(key);
        }
        bySection.forEach((prefix, keys) -> {
            if (keys.isEmpty()) {
                return;
            }
            out.append("## ").append(SECTIONS.getOrDefault(prefix, "`" + prefix + ".*`")).append("\n\n");
            out.append("| property | environment variable | default | secret | meaning |\n");
            out.append("|---|---|---|---|---|\n");
            for (ConfigKey key : keys) {
                out.append("| `").append(key.property()).append("` | `").append(key.env()).append("` | ")
                        .append(defaultText(key.defaultValue())).append(" | ").append(key.secret() ? "yes" : "")
                        .append(" | ").append(cell(key.doc())).append(" |\n");
            }
            out.append('\n');
        });
        return out.toString();
    }

    private static String defaultText(String value) {
        if (value == null) {
            return "";
        }
        // In a code span only a pipe needs escaping (GFM tables); a backslash before < would show.
        return value.isEmpty() ? "(empty)" : "`" + value.replace("|", "\\|") + "`";
    }

    /** A table cell: a pipe would end it, a newline the row, and {@code <ref>} would vanish as an HTML tag. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "\\<").replace("\n", " ");
    }

    /** Writes {@link #FILE} (relative to the working directory, the project root under Maven). */
    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0]) : FILE;
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, markdown(), StandardCharsets.UTF_8);
        System.out.println("wrote " + file + " (" + ConfigKeys.all().size() + " keys)");
    }
}
