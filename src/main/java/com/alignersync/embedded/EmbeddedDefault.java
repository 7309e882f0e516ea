package com.alignersync.embedded;

import com.alignersync.state.AtomicFiles;
import com.alignersync.state.PrivateFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code run --embedded} for a newcomer: the embedded databases, a webhook secret of its own
 * (kept in {@code data/embedded/webhook-secret}, never printed), the configuration that points
 * the daemon at them, and the instructions printed once it runs.
 *
 * <p>That configuration is also recorded in {@code data/embedded/environment.json} (without
 * the secret), so that {@code status} run in the same place reads the databases this run
 * uses instead of calling the shipped, empty configuration invalid.
 */
public final class EmbeddedDefault {

    /** The run's configuration overrides, recorded for {@code status}; secrets are not written. */
    public static final String ENVIRONMENT_FILE = "environment.json";
    private static final String ENVIRONMENT_FORMAT = "aligner-sync-embedded-environment/1";
    private static final String SECRET_FILE = "webhook-secret";
    private static final String SECRET_VARIABLE = "WEBHOOK_SECRET";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final EmbeddedStack stack;
    private final Path root;
    private final Map<String, String> environment;

    private EmbeddedDefault(EmbeddedStack stack, Path root, Map<String, String> environment) {
        this.stack = stack;
        this.root = root;
        this.environment = environment;
    }

    /**
     * @param restApiConfigured whether {@code supabase.url} names a PostgREST (in the file or the
     *                          environment); without one the poller is turned off
     */
    public static EmbeddedDefault start(Path dataDir, int postgresPort, boolean restApiConfigured) throws IOException, SQLException {
        Path root = dataDir.resolve("embedded");
        EmbeddedStack stack = EmbeddedStack.start(root, postgresPort);
        try {
            Map<String, String> env = new LinkedHashMap<>(stack.environment());
            // There is no PostgREST here: the poller runs where SUPABASE_URL names a real one.
            if (!restApiConfigured) {
                env.put("POLL_ENABLED", "false");
            }
            record(root.resolve(ENVIRONMENT_FILE), env);
            env.put(SECRET_VARIABLE, webhookSecret(root.resolve(SECRET_FILE)));
            return new EmbeddedDefault(stack, root, env);
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private static void record(Path file, Map<String, String> env) throws IOException {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("format", ENVIRONMENT_FORMAT);
        node.set("environment", MAPPER.valueToTree(env));
        AtomicFiles.write(file, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
    }

    /**
     * The configuration overrides of the {@code run --embedded} that uses this data directory
     * (the databases under {@code data/embedded/}), secret included; empty when none ran here.
     * They win over the file and the environment, as they do for the run itself.
     *
     * @throws IOException when the recorded file exists but cannot be read
     */
    public static Optional<Map<String, String>> recordedEnvironment(Path dataDir) throws IOException {
        Path root = dataDir.resolve("embedded");
        Path file = root.resolve(ENVIRONMENT_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode node = MAPPER.readTree(file.toFile());
        if (node == null || !ENVIRONMENT_FORMAT.equals(node.path("format").asText()) || !node.path("environment").isObject()) {
            throw new IOException(file + " is not an embedded run's environment (format " + ENVIRONMENT_FORMAT
                    + "); delete it, the next run --embedded writes it again");
        }
        Map<String, String> env = new LinkedHashMap<>();
        node.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        Path secret = root.resolve(SECRET_FILE);
        if (Files.isRegularFile(secret)) {
            env.put(SECRET_VARIABLE, Files.readString(secret, StandardCharsets.UTF_8).trim());
        }
        return Optional.of(env);
    }

    private static String webhookSecret(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        // 0600 from creation on POSIX, not written first and narrowed after.
        try (FileChannel channel = PrivateFiles.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
            ByteBuffer bytes = ByteBuffer.wrap((secret + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
        return secret;
    }

    public EmbeddedStack stack() {
        return stack;
    }

    /** Variables that win over the file and the real environment. */
    public Map<String, String> environment() {
        return environment;
    }

    /** What a newcomer reads once the daemon is up: how to make an edit, and how to see it land. */
    public String instructions(int webhookPort, int opsPort) {
        String psql = "psql " + stack.portalUrl();
        String h2 = "java -cp target/aligner-sync.jar org.h2.tools.Shell -url \"" + stack.clinicJdbcUrl() + "\"";
        String secretFile = root.resolve("webhook-secret").toString();
        return String.join("\n",
                "",
                "aligner-sync is running on embedded databases in " + root + ":",
                "  portal (PostgreSQL, logical replication):  " + psql,
                "  clinic (H2 in MODE=MSSQLServer):           " + h2,
                "",
                "Edit in the portal (the CDC input carries it over):",
                "  " + psql + " -c \"update aligner_batches set days = 10 where aligner_batch_id = 12044\"",
                "  " + psql + " -c \"insert into aligner_notes (note_id, aligner_set_id, note_type, note_text) values (90100, 3187, 'Doctor', 'Please shorten batch 4')\"",
                "",
                "Send a Supabase webhook by hand (a new Doctor note, stamped now):",
                "  curl -s -X POST localhost:" + webhookPort + "/api/sync/webhook -H \"Authorization: Bearer $(cat " + secretFile + ")\" \\",
                "       -H 'Content-Type: application/json' -d '{\"type\":\"INSERT\",\"table\":\"aligner_notes\",\"schema\":\"public\",\"old_record\":null,"
                        + "\"record\":{\"note_id\":90200,\"aligner_set_id\":3187,\"note_type\":\"Doctor\",\"note_text\":\"Sent as a webhook\","
                        + "\"is_edited\":false,\"edited_at\":null,\"is_read\":false,\"created_at\":\"'$(date -u +%FT%TZ)'\",\"updated_at\":\"'$(date -u +%FT%TZ)'\"}}'",
                "",
                "See it land:",
                "  curl -s localhost:" + opsPort + "/api/sync/status -H \"Authorization: Bearer $(cat " + secretFile + ")\"   (console: http://localhost:" + opsPort + "/)",
                "  " + h2 + " -sql \"select AlignerBatchID, Days from dbo.tblAlignerBatches; select NoteID, NoteType, NoteText from dbo.tblAlignerNotes\"",
                "",
                "Stop with Ctrl-C; the data stays in " + root + " for the next run.",
                "");
    }
}
