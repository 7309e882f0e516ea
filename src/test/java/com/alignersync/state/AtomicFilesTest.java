package com.alignersync.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void replacesTheFileWholeAndLeavesNoTempFilesBehind() throws Exception {
        Path target = dir.resolve("sub").resolve("offsets.json");
        AtomicFiles.write(target, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(target, "{\"a\":2}".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("{\"a\":2}".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(target));
        try (var files = Files.list(target.getParent())) {
            assertEquals(1, files.count());
        }
    }
}
