package com.alignersync.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's state directory ({@code DATA_DIR}). Holding it means holding an OS lock on
 * {@code data/.lock}: one daemon per data directory, since two would commit the same offsets
 * and cursors over each other. The OS drops the lock when the process dies, even by kill -9,
 * so a crash never leaves a stale lock behind.
 *
 * <p>The lock covers one byte far past the end of the file, not the file's content. On Linux a
 * lock is advisory and covering the content would not matter; on Windows it is mandatory, and a
 * lock over the content would stop a second process (another daemon, {@code status}) from
 * reading the holder's pid that the refusal message quotes. Any lock over the whole file (as
 * earlier versions took) overlaps this byte, so old and new daemons still exclude each other.
 *
 * <p>A data directory it creates is 0700 ({@link PrivateFiles}); one that exists keeps its modes,
 * with a warning when other accounts can read it.
 */
public final class DataDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);

    public static final String LOCK_FILE = ".lock";
    /** The locked byte: beyond any content the file will ever have (Windows allows locking past the end). */
    static final long LOCK_POSITION = Long.MAX_VALUE - 1;

    private final Path root;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectory(Path root, FileChannel channel, FileLock lock) {
        this.root = root;
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws DataDirectoryLockedException when another process holds the directory */
    public static DataDirectory lock(Path root) throws IOException {
        PrivateFiles.createDirectories(root);
        Path lockFile = root.resolve(LOCK_FILE);
        FileChannel channel = PrivateFiles.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
        FileLock lock;
        try {
            lock = channel.tryLock(LOCK_POSITION, 1, false);
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            String holder = readHolder(lockFile);
            channel.close();
            throw new DataDirectoryLockedException("data directory " + root.toAbsolutePath() + " is in use by another aligner-sync"
                    + (holder.isEmpty() ? "" : " (" + holder + ")") + ": stop it first, or give this one its own DATA_DIR");
        }
        PrivateFiles.openToOthers(root).ifPresent(problem -> log.warn("state: data directory {}", problem));
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
        return new DataDirectory(root, channel, lock);
    }

    private static String readHolder(Path lockFile) {
        try {
            return Files.readString(lockFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    public Path root() {
        return root;
    }

    public Path resolve(String name) {
        return root.resolve(name);
    }

    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    /** Another process owns the data directory. */
    public static final class DataDirectoryLockedException extends IOException {
        public DataDirectoryLockedException(String message) {
            super(message);
        }
    }
}
