package io.wasmchord.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An output written all or nothing: bytes go to a temporary file beside the target, which replaces
 * the target only when writing succeeded. A failed or interrupted run leaves no partial file.
 */
final class OutputFile {
    /** Writes the content. */
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private OutputFile() {
    }

    /** Refuses an existing target unless {@code force}; call before doing the long work. */
    static void checkWritable(Path target, boolean force) throws IOException {
        if (Files.isDirectory(target)) {
            throw new IOException(target + " is a directory");
        }
        if (Files.exists(target) && !force) {
            throw new FileAlreadyExistsException(target + " exists; pass --force to overwrite it");
        }
        Path dir = target.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IOException("directory " + dir + " does not exist");
        }
    }

    static void write(Path target, boolean force, Content content) throws IOException {
        checkWritable(target, force);
        Path dir = target.toAbsolutePath().getParent();
        // created like any new file (umask permissions), under a name no other run uses
        Path tmp = dir.resolve(target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".tmp");
        Files.createFile(tmp);
        Thread cleanup = new Thread(() -> deleteQuietly(tmp));
        Runtime.getRuntime().addShutdownHook(cleanup);
        boolean ok = false;
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                content.writeTo(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            ok = true;
        } finally {
            if (!ok) {
                deleteQuietly(tmp);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // nothing more can be done
        }
    }
}
