package com.alignersync.state;

import java.nio.file.Path;

/** A state file in {@code data/} that cannot be read: the daemon refuses to guess and names the file and the fix. */
public class CorruptStateFileException extends RuntimeException {

    private final Path file;

    public CorruptStateFileException(Path file, String problem, String fix, Throwable cause) {
        super(file + " is corrupt (" + problem + "); " + fix, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
