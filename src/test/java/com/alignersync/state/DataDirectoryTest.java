package com.alignersync.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path dir;

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
