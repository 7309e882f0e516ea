package com.alignersync.state;

import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Files;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.support.LogCapture;
import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void aNewDataDirectoryAndItsLockFileAreTheServiceAccountsOnly() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path data = dir.resolve("new").resolve("data");
        try (DataDirectory ignored = DataDirectory.lock(data)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.getParent())));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(DataDirectory.LOCK_FILE))));
        }
    }

    @Test
    void anExistingDataDirectoryOpenToOtherAccountsIsKeptButWarnedAbout() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (LogCapture log = new LogCapture(); DataDirectory ignored = DataDirectory.lock(dir)) {
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), "an operator's choice is not undone");
            assertEquals(1, log.containing("chmod 700").size(), log.lines().toString());
        }
    }

    @Test
    void secondHolderInTheSameProcessIsRefused() throws Exception {
        try (DataDirectory first = DataDirectory.lock(dir)) {
            DataDirectory.DataDirectoryLockedException e =
                    assertThrows(DataDirectory.DataDirectoryLockedException.class, () -> DataDirectory.lock(dir));
            assertTrue(e.getMessage().contains("in use by another aligner-sync"), e.getMessage());
        }
        DataDirectory.lock(dir).close();
    }

    @Test
    void anotherProcessIsRefusedAndTheLockDiesWithItsHolder() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try {
            assertEquals("locked", new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine());
            DataDirectory.DataDirectoryLockedException e =
                    assertThrows(DataDirectory.DataDirectoryLockedException.class, () -> DataDirectory.lock(dir));
            assertTrue(e.getMessage().contains("pid " + holder.pid()), e.getMessage());
        } finally {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        DataDirectory.lock(dir).close();
    }

    @Test
    void theLockLeavesThePidReadableAsWindowsMandatoryLocksRequire() throws Exception {
        // Windows locks are mandatory: a lock over the content would make the pid unreadable to
        // the refused process and to status. Within one JVM an overlapping lock is refused with
        // OverlappingFileLockException on every platform, which shows exactly what is covered.
        try (DataDirectory held = DataDirectory.lock(dir);
             java.nio.channels.FileChannel other = java.nio.channels.FileChannel.open(dir.resolve(DataDirectory.LOCK_FILE),
                     java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock content = other.tryLock(0, 4096, false);
            assertTrue(content != null, "the pid bytes are not under the lock");
            content.release();
            assertThrows(java.nio.channels.OverlappingFileLockException.class, () -> other.tryLock(0, Long.MAX_VALUE, false),
                    "a whole-file lock (as earlier versions took) still meets this one");
            assertTrue(java.nio.file.Files.readString(dir.resolve(DataDirectory.LOCK_FILE)).startsWith("pid "));
        }
    }

    /** Holds the lock until killed. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            DataDirectory.lock(new File(args[0]).toPath());
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
