package com.example.sentiment.system;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files that are either wholly there or not at all, and still there after a power cut: written to a hidden
 * temporary file, flushed to disk, renamed into place, and the directory flushed so that the rename lasts.
 */
public final class DurableFiles {

    /** Prefix of the temporary files; a crash may leave one behind, which readers skip and may remove. */
    public static final String TEMP_PREFIX = ".tmp-";

    private static final Logger log = LoggerFactory.getLogger(DurableFiles.class);

    private DurableFiles() {
    }

    /** Writes {@code bytes} as {@code target}, replacing any file there, atomically and durably. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName());
        try {
            Files.write(temp, bytes);
            fsync(temp);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            fsync(target.getParent());
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Whether a temporary entry (a file, or a folder being filled) was last written more than {@code age} ago,
     * judged by its own time and that of the files directly in it: a save in progress keeps touching them,
     * while a crash's left-over stops. Another process on a shared volume may be writing a young one, so only
     * an old one may be removed.
     */
    public static boolean untouchedFor(Path entry, Duration age) throws IOException {
        Instant cutoff = Instant.now().minus(age);
        if (Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(cutoff)) {
            return false;
        }
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(entry)) {
                for (Path child : children.toList()) {
                    if (Files.getLastModifiedTime(child, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(cutoff)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Flushes a file or directory to disk; where the platform cannot, that is logged and not fatal. */
    public static void fsync(Path path) {
        // directories cannot be opened for writing; READ suffices for force() on Linux
        try (FileChannel channel = FileChannel.open(path, Files.isDirectory(path)
                ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (IOException e) {
            log.debug("fsync of {} not possible: {}", path, e.getMessage());
        }
    }
}
