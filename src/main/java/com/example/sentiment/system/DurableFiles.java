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
import java.util.UUID;
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

    /** How a channel is flushed to disk: {@link FileChannel#force}, replaced in tests to act as a failing disk. */
    @FunctionalInterface
    interface Flush {
        void force(FileChannel channel, Path path) throws IOException;
    }

    private static final Flush FORCE = (channel, path) -> channel.force(true);
    private static volatile Flush flush = FORCE;

    private DurableFiles() {
    }

    /** Test seam: flushes through {@code replacement} until the returned handle is closed. */
    static AutoCloseable flushWith(Flush replacement) {
        flush = replacement;
        return () -> flush = FORCE;
    }

    /**
     * Writes {@code bytes} as {@code target}, replacing any file there, atomically and durably. The temporary
     * file has a name of its own per write, so that two writers of one target (threads, or processes sharing
     * the volume) never rename each other's half-written file into place: the last complete one wins. When the
     * data cannot be flushed the write fails and {@code target} is left as it was, since a renamed file whose
     * data the disk refused could read back as zeros or old bytes after a crash.
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
        try {
            Files.write(temp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
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

    /**
     * Flushes a file or directory to disk. A failed flush is an {@link IOException}: the disk refused the data
     * (EIO, ENOSPC on some file systems), and after such an error Linux may drop the dirty pages, so a retry
     * cannot be trusted and the caller must not publish the file. Only a directory that the platform cannot
     * open at all (Windows) is skipped, since there is nothing to flush through.
     */
    public static void fsync(Path path) throws IOException {
        boolean directory = Files.isDirectory(path);
        FileChannel channel;
        try {
            // directories cannot be opened for writing; READ suffices for force() on Linux
            channel = FileChannel.open(path, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE);
        } catch (IOException e) {
            if (!directory) {
                throw e;
            }
            log.debug("fsync of directory {} not possible here: {}", path, e.getMessage());
            return;
        }
        try (channel) {
            flush.force(channel, path);
        }
    }
}
