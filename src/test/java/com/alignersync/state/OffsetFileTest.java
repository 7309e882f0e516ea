package com.alignersync.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** data/offsets.json: readable JSON, replaced atomically, and never silently read as empty. */
class OffsetFileTest {

    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    private StoredOffsets sample(long lsn) {
        ArrayNode key = json.createArrayNode();
        key.add("aligner-sync-cdc");
        key.addObject().put("server", "aligner_sync");
        ObjectNode value = json.createObjectNode();
        value.put("lsn", lsn);
        value.put("lsn_commit", lsn);
        value.put("txId", 742);
        value.put("ts_usec", 1795598474168386L);
        return new StoredOffsets(List.of(new StoredOffsets.Entry(key, value)));
    }

    @Test
    void writtenOffsetsReadBackWithTheirLsnInPostgresNotation() throws Exception {
        OffsetFile file = OffsetFile.inDataDir(dir, json);
        file.write(sample(22263144L), Clock.systemUTC());

        StoredOffsets read = file.read();
        assertEquals(22263144L, read.lsn().orElseThrow());
        assertEquals("0/153B568", StoredOffsets.lsnText(read.lsn().get()));
        assertEquals(22263144L, StoredOffsets.parseLsn("0/153B568"));
        String text = Files.readString(dir.resolve("offsets.json"));
        assertTrue(text.contains("\"lsnText\" : \"0/153B568\""), text);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp file is left behind");
        }
    }

    @Test
    void aMissingFileIsAFirstStart() {
        assertTrue(OffsetFile.inDataDir(dir, json).read().isEmpty());
    }

    @Test
    void emptyTruncatedOrForeignFilesAreRefusedNamingTheFile() throws Exception {
        OffsetFile file = OffsetFile.inDataDir(dir, json);
        file.write(sample(1L), Clock.systemUTC());
        String good = Files.readString(file.path());
        for (String bad : new String[] {"", good.substring(0, good.length() / 2), "{\"offsets\": []}", "\u0000\u0005sr\u0000java.util.HashMap"}) {
            Files.writeString(file.path(), bad);
            CorruptStateFileException e = assertThrows(CorruptStateFileException.class, file::read, bad);
            assertTrue(e.getMessage().startsWith(file.path().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("Restore it from a backup"), e.getMessage());
            assertEquals(file.path(), e.file());
        }
    }

    @Test
    void theDebeziumStorePersistsEveryFlushAndRefusesACorruptFile() throws Exception {
        Path path = dir.resolve("offsets.json");
        StandaloneConfig config = new StandaloneConfig(Map.of(
                "offset.storage.file.filename", path.toString(),
                "key.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "bootstrap.servers", "localhost:9092"));
        JsonOffsetStore store = new JsonOffsetStore();
        store.configure(config);
        store.start();
        ByteBuffer key = utf8("[\"aligner-sync-cdc\",{\"server\":\"aligner_sync\"}]");
        store.set(Map.of(key, utf8("{\"lsn\":42,\"txId\":7}")), null).get();
        store.stop();

        assertEquals(42L, OffsetFile.inDataDir(dir, json).read().lsn().orElseThrow(), "readable without Debezium");

        JsonOffsetStore again = new JsonOffsetStore();
        again.configure(config);
        again.start();
        ByteBuffer value = again.get(List.of(key)).get().get(key);
        assertEquals("{\"lsn\":42,\"txId\":7}", StandardCharsets.UTF_8.decode(value).toString());
        assertEquals(Set.of(Map.of("server", "aligner_sync")), again.connectorPartitions("aligner-sync-cdc"));
        again.stop();

        Files.writeString(path, "{\"format\":");
        JsonOffsetStore corrupt = new JsonOffsetStore();
        corrupt.configure(config);
        ConnectException e = assertThrows(ConnectException.class, corrupt::start);
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        corrupt.stop();
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
