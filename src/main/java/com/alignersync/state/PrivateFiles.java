package com.alignersync.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Directories and files under the data directory hold note text (dead letters, the embedded
 * portal) and secrets (the embedded webhook secret): on a POSIX file system they are created
 * readable by the service account only, 0700 and 0600, whatever the process umask says. Windows
 * has no such modes; there the directory's ACL (docs/operations.md, {@code icacls /inheritance:r})
 * is what protects them, and these methods create plain files.
 */
public final class PrivateFiles {

    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    public static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Creates {@code dir} and any missing parents 0700; directories that exist keep their modes. */
    public static Path createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return dir;
        }
        if (posix(absolute)) {
            Files.createDirectories(absolute, PosixFilePermissions.asFileAttribute(DIRECTORY));
        } else {
            Files.createDirectories(absolute);
        }
        return dir;
    }

    /** Opens {@code file} with {@code options}; a file it creates is 0600 from its first byte. */
    public static FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
        if (posix(file.toAbsolutePath())) {
            return FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(FILE));
        }
        return FileChannel.open(file, options);
    }

    /** The attribute for {@link Files#createTempFile}: 0600 where POSIX (the JDK's default, made explicit). */
    static FileAttribute<?>[] fileAttributes(Path dir) {
        return posix(dir.toAbsolutePath()) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /**
     * What is wrong with an existing directory's modes, e.g. one made by hand or by an earlier
     * version: empty when others than the owner have no access or the file system has no modes.
     */
    public static Optional<String> openToOthers(Path dir) throws IOException {
        if (!posix(dir.toAbsolutePath())) {
            return Optional.empty();
        }
        Set<PosixFilePermission> modes = Files.getPosixFilePermissions(dir);
        if (DIRECTORY.containsAll(modes)) {
            return Optional.empty();
        }
        return Optional.of(dir.toAbsolutePath() + " is " + PosixFilePermissions.toString(modes)
                + ": other accounts can read what it holds (note text in dead letters); chmod 700 it");
    }
}
