package com.alignersync.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a state file so that a crash at any moment leaves either the old or the new
 * content, never a truncated mix and never no file: write a temp file beside it, fsync it,
 * rename it over the target with {@code ATOMIC_MOVE}, fsync the directory.
 *
 * <p>Windows differs in two places, and both are handled here rather than by accident:
 * <ul>
 *   <li>A directory cannot be opened as a file there ({@code AccessDeniedException}), so the
 *       directory fsync is skipped. The file's own fsync still runs; NTFS journals the rename
 *       itself, which is what the directory fsync buys on Linux.</li>
 *   <li>{@code ATOMIC_MOVE} is {@code MoveFileEx(MOVEFILE_REPLACE_EXISTING)}, which replaces an
 *       existing target, but fails with a sharing violation or "access denied" while another
 *       process (a virus scanner, a backup agent, someone's editor) holds the target open
 *       without delete sharing. That is retried for a short while, then reported. It never
 *       falls back to a plain {@code REPLACE_EXISTING} move: on Windows that deletes the target
 *       first, so a crash in between would leave no offsets file at all (a silent fresh start).</li>
 * </ul>
 * The two operations are injectable so tests can make them fail as Windows does. The new file
 * and any directory made for it are the service account's only ({@link PrivateFiles}).
 */
public final class AtomicFiles {

    private static final Logger log = LoggerFactory.getLogger(AtomicFiles.class);

    /** Flushes a directory's entries (the rename) to disk. */
    @FunctionalInterface
    interface DirectorySync {
        /**
         * @throws DirectoryNotOpenable when the platform cannot open a directory at all (Windows): tolerated
         * @throws IOException          when the flush itself failed
         */
        void sync(Path dir) throws IOException;
    }

    /** Renames {@code source} over {@code target} atomically. */
    @FunctionalInterface
    interface AtomicMove {
        void move(Path source, Path target) throws IOException;
    }

    /** The platform cannot open a directory for fsync (Windows); not an error. */
    static final class DirectoryNotOpenable extends IOException {
        DirectoryNotOpenable(Path dir, IOException cause) {
            super("cannot open directory " + dir + " to fsync it: " + cause.getMessage(), cause);
        }
    }

    static final DirectorySync POSIX_DIRECTORY_SYNC = dir -> {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new DirectoryNotOpenable(dir, e);
        }
        try (channel) {
            channel.force(true);
        }
    };

    static final AtomicMove NIO_ATOMIC_MOVE = (source, target) ->
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    /** How long a replace blocked by another process holding the target is retried (Windows). */
    static final int MOVE_ATTEMPTS = 10;
    static final Duration MOVE_RETRY_DELAY = Duration.ofMillis(100);

    private static final AtomicFiles DEFAULT = new AtomicFiles(POSIX_DIRECTORY_SYNC, NIO_ATOMIC_MOVE, MOVE_RETRY_DELAY);

    private final DirectorySync directorySync;
    private final AtomicMove atomicMove;
    private final Duration retryDelay;
    // Said once per process: on Windows it is true of every write.
    private final AtomicBoolean toldDirectorySyncSkipped = new AtomicBoolean();

    AtomicFiles(DirectorySync directorySync, AtomicMove atomicMove, Duration retryDelay) {
        this.directorySync = directorySync;
        this.atomicMove = atomicMove;
        this.retryDelay = retryDelay;
    }

    public static void write(Path target, byte[] content) throws IOException {
        DEFAULT.replace(target, content);
    }

    /** Moves a file aside (or anywhere in the same directory) atomically, with the same Windows retry as a replace. */
    public static void move(Path source, Path target) throws IOException {
        DEFAULT.moveWithRetry(source, target);
        DEFAULT.syncDirectory(target.toAbsolutePath().getParent());
    }

    void replace(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        PrivateFiles.createDirectories(dir);
        // The temp file becomes the target: its 0600 is what the target ends up with.
        Path temp = Files.createTempFile(dir, target.getFileName().toString() + ".", ".tmp", PrivateFiles.fileAttributes(dir));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            moveWithRetry(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
    }

    private void moveWithRetry(Path source, Path target) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                atomicMove.move(source, target);
                return;
            } catch (IOException e) {
                if (!heldByAnotherProcess(e) || attempt >= MOVE_ATTEMPTS) {
                    if (heldByAnotherProcess(e)) {
                        throw new IOException("cannot replace " + target + " after " + attempt + " attempts: another process holds it open"
                                + " (a virus scanner or backup agent on Windows? exclude the data directory from it): " + e.getMessage(), e);
                    }
                    throw e;
                }
                log.debug("state: replacing {} was refused ({}); retry {} of {}", target, e.getMessage(), attempt, MOVE_ATTEMPTS - 1);
                sleep();
            }
        }
    }

    /**
     * What Windows reports when another handle on the target lacks delete sharing:
     * ERROR_ACCESS_DENIED ({@link AccessDeniedException}) or ERROR_SHARING_VIOLATION (a plain
     * {@link FileSystemException}). A missing source, an existing directory or a cross-device
     * move is not going to clear up by waiting.
     */
    static boolean heldByAnotherProcess(IOException e) {
        if (e instanceof AccessDeniedException) {
            return true;
        }
        return e instanceof FileSystemException
                && !(e instanceof NoSuchFileException)
                && !(e instanceof FileAlreadyExistsException)
                && !(e instanceof AtomicMoveNotSupportedException)
                && !(e instanceof java.nio.file.DirectoryNotEmptyException)
                && !(e instanceof java.nio.file.NotDirectoryException);
    }

    private void syncDirectory(Path dir) {
        try {
            directorySync.sync(dir);
        } catch (DirectoryNotOpenable e) {
            // Windows: nothing to do; the file was fsynced and NTFS journals the rename.
            if (toldDirectorySyncSkipped.compareAndSet(false, true)) {
                log.info("state: this platform cannot fsync a directory ({}); state files are still fsynced before each rename", e.getMessage());
            }
        } catch (IOException e) {
            // The new content is on disk under the new name, but the rename may not survive a
            // power cut: the previous content would come back, which replays (the sink dedups)
            // rather than skips. Worth a warning, not worth stopping the daemon.
            log.warn("state: fsync of directory {} failed; the last state write may not survive a power cut: {}", dir, e.getMessage());
        }
    }

    private void sleep() throws IOException {
        try {
            Thread.sleep(retryDelay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to replace a state file", e);
        }
    }
}
