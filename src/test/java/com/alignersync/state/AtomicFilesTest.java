package com.alignersync.state;

import java.nio.file.attribute.PosixFilePermissions;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atomic replace of state files, including the failures Windows produces (simulated: nothing
 * here has run on Windows): a directory that cannot be opened for fsync, and a replace refused
 * while another process holds the target open.
 */
class AtomicFilesTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private long filesIn(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.count();
        }
    }

    @Test
    void replacesTheFileWholeAndLeavesNoTempFilesBehind() throws Exception {
        Path target = dir.resolve("sub").resolve("offsets.json");
        AtomicFiles.write(target, bytes("{\"a\":1}"));
        AtomicFiles.write(target, bytes("{\"a\":2}"));
        assertArrayEquals(bytes("{\"a\":2}"), Files.readAllBytes(target));
        assertEquals(1, filesIn(target.getParent()));
    }

    @Test
    void aStateFileAndTheDirectoryMadeForItAreTheServiceAccountsOnlyEvenWhenTheOldFileWasNot() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path target = dir.resolve("sub").resolve("offsets.json");
        AtomicFiles.write(target, bytes("{\"a\":1}"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.getParent())));

        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        AtomicFiles.write(target, bytes("{\"a\":2}"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void aDirectoryThatCannotBeOpenedForFsyncAsOnWindowsIsTolerated() throws Exception {
        AtomicInteger syncs = new AtomicInteger();
        AtomicFiles windows = new AtomicFiles(d -> {
            syncs.incrementAndGet();
            throw new AtomicFiles.DirectoryNotOpenable(d, new AccessDeniedException(d.toString()));
        }, AtomicFiles.NIO_ATOMIC_MOVE, Duration.ZERO);
        Path target = dir.resolve("offsets.json");
        windows.replace(target, bytes("one"));
        windows.replace(target, bytes("two"));
        assertArrayEquals(bytes("two"), Files.readAllBytes(target));
        assertEquals(2, syncs.get(), "the directory fsync is attempted, and its refusal tolerated, every time");
        assertEquals(1, filesIn(dir));
    }

    @Test
    void aFailingDirectoryFsyncIsReportedButTheWriteStands() throws Exception {
        AtomicFiles failing = new AtomicFiles(d -> {
            throw new IOException("Input/output error");
        }, AtomicFiles.NIO_ATOMIC_MOVE, Duration.ZERO);
        Path target = dir.resolve("offsets.json");
        failing.replace(target, bytes("new"));
        assertArrayEquals(bytes("new"), Files.readAllBytes(target));
    }

    @Test
    void theRealDirectoryFsyncNamesAnUnopenableDirectoryAsSuch() {
        // What Windows does to FileChannel.open(directory): here a missing directory stands in for it.
        Path missing = dir.resolve("missing");
        assertThrows(AtomicFiles.DirectoryNotOpenable.class, () -> AtomicFiles.POSIX_DIRECTORY_SYNC.sync(missing));
    }

    @Test
    void aReplaceRefusedWhileAnotherProcessHoldsTheTargetIsRetried() throws Exception {
        Path target = dir.resolve("offsets.json");
        Files.write(target, bytes("old"));
        AtomicInteger attempts = new AtomicInteger();
        AtomicFiles scannerHoldsIt = new AtomicFiles(d -> { }, (source, to) -> {
            // Windows: ERROR_ACCESS_DENIED, then ERROR_SHARING_VIOLATION, then the scanner lets go.
            switch (attempts.incrementAndGet()) {
                case 1 -> throw new AccessDeniedException(source.toString(), to.toString(), null);
                case 2 -> throw new FileSystemException(source.toString(), to.toString(),
                        "The process cannot access the file because it is being used by another process");
                default -> AtomicFiles.NIO_ATOMIC_MOVE.move(source, to);
            }
        }, Duration.ZERO);
        scannerHoldsIt.replace(target, bytes("new"));
        assertEquals(3, attempts.get());
        assertArrayEquals(bytes("new"), Files.readAllBytes(target));
        assertEquals(1, filesIn(dir));
    }

    @Test
    void aReplaceRefusedForGoodFailsLoudlyKeepsTheOldContentAndNoTempFile() throws Exception {
        Path target = dir.resolve("offsets.json");
        Files.write(target, bytes("old"));
        AtomicInteger attempts = new AtomicInteger();
        AtomicFiles heldForever = new AtomicFiles(d -> { }, (source, to) -> {
            attempts.incrementAndGet();
            throw new AccessDeniedException(to.toString());
        }, Duration.ZERO);
        IOException e = assertThrows(IOException.class, () -> heldForever.replace(target, bytes("new")));
        assertEquals(AtomicFiles.MOVE_ATTEMPTS, attempts.get());
        assertTrue(e.getMessage().contains("another process holds it open"), e.getMessage());
        assertArrayEquals(bytes("old"), Files.readAllBytes(target), "never a delete-then-move: the old content stays");
        assertEquals(1, filesIn(dir));
    }

    @Test
    void aFailureThatWaitingCannotFixIsNotRetried() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        AtomicFiles broken = new AtomicFiles(d -> { }, (source, to) -> {
            attempts.incrementAndGet();
            throw new NoSuchFileException(source.toString());
        }, Duration.ZERO);
        assertThrows(NoSuchFileException.class, () -> broken.replace(dir.resolve("x.json"), bytes("x")));
        assertEquals(1, attempts.get());
        assertFalse(AtomicFiles.heldByAnotherProcess(new NoSuchFileException("x")));
    }

    @Test
    void moveReplacesAnExistingTargetAtomically() throws Exception {
        Path offsets = dir.resolve("offsets.json");
        Path aside = dir.resolve("offsets.json.orphaned");
        Files.write(offsets, bytes("current"));
        Files.write(aside, bytes("older"));
        AtomicFiles.move(offsets, aside);
        assertFalse(Files.exists(offsets));
        assertArrayEquals(bytes("current"), Files.readAllBytes(aside));
    }
}
