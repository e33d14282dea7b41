package com.example.sentiment.model;

import com.example.sentiment.system.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's local copies of versions kept in a remote store ({@code sentiment.storage.cache-dir}): one
 * folder per version id holding its files. A file is downloaded into a temporary file, checked against its
 * SHA-256 and only then renamed into place, so a file in a version's folder is whole; files already there are
 * checked again before every load. Only the {@code keep} most recently loaded versions stay. Temporary files
 * and folders start with {@code .tmp-}; those a crash left behind are removed when the cache is opened.
 */
final class DownloadCache {

    private static final String TEMPORARY = ".tmp-";
    private static final Logger log = LoggerFactory.getLogger(DownloadCache.class);

    private final Path root;
    private final int keep;

    /** Fetches one stored file into {@code target} (which does not exist yet). */
    @FunctionalInterface
    interface Source {
        void download(String file, String sha256, Path target) throws IOException;
    }

    /**
     * Opens (and creates) the cache.
     *
     * @param keep how many versions to keep (at least 1)
     * @param staleTemporaryAge temporary files untouched this long are a crash's; younger ones may be another
     *                          replica's sharing the cache
     */
    DownloadCache(Path root, int keep, Duration staleTemporaryAge) {
        this.root = root.toAbsolutePath().normalize();
        this.keep = keep;
        try {
            Files.createDirectories(this.root);
            removeStaleTemporaries(staleTemporaryAge);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the model cache " + this.root, e);
        }
    }

    Path root() {
        return root;
    }

    /**
     * The folder of version {@code id} holding every file of {@code checksums}, each matching its SHA-256:
     * what is missing or does not match is downloaded from {@code source} and checked.
     *
     * @throws ModelUnusableException when a download does not match its checksum (the folder keeps what it had)
     */
    Path fill(String id, Map<String, String> checksums, Source source) throws IOException {
        Path dir = root.resolve(id);
        Files.createDirectories(dir);
        for (Map.Entry<String, String> entry : checksums.entrySet()) {
            Path target = dir.resolve(entry.getKey());
            if (Files.isRegularFile(target) && VersionFiles.sha256(target).equals(entry.getValue())) {
                continue;
            }
            download(id, entry.getKey(), entry.getValue(), target, source);
        }
        return dir;
    }

    private void download(String id, String file, String sha256, Path target, Source source) throws IOException {
        Path temp = target.resolveSibling(TEMPORARY + file + "-" + UUID.randomUUID());
        try {
            source.download(file, sha256, temp);
            if (!VersionFiles.sha256(temp).equals(sha256)) {
                throw ModelUnusableException.checksumMismatch(id, file);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Records that version {@code id} was loaded from its folder and removes the least recently loaded versions
     * beyond {@code keep}, never {@code id} itself: every version a replica ever served would otherwise stay on
     * its disk. A loaded classifier holds its weights in memory, so deleting its files takes nothing from it.
     */
    void loaded(String id) throws IOException {
        Files.setLastModifiedTime(root.resolve(id), FileTime.from(Instant.now()));
        evictAllBut(id);
    }

    private synchronized void evictAllBut(String justLoaded) {
        try (Stream<Path> dirs = Files.list(root)) {
            List<Path> versions = dirs.filter(Files::isDirectory)
                    .filter(d -> !d.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(DownloadCache::lastModified).reversed()).toList();
            for (Path old : versions.subList(Math.min(keep, versions.size()), versions.size())) {
                if (!old.getFileName().toString().equals(justLoaded)) {
                    VersionFiles.deleteRecursively(old);
                    log.info("Model cache: removed version {} (keeping the {} most recently loaded)",
                            old.getFileName(), keep);
                }
            }
        } catch (IOException e) {
            // a full cache wastes disk, it breaks nothing: try again at the next load
            log.warn("Model cache {}: cannot remove old versions: {}", root, e.getMessage());
        }
    }

    private static FileTime lastModified(Path dir) {
        try {
            return Files.getLastModifiedTime(dir);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** Removes version {@code id}'s folder, if any. */
    void remove(String id) throws IOException {
        VersionFiles.deleteRecursively(root.resolve(id));
    }

    /**
     * A new empty temporary folder on the cache's disk, for files on their way to the store; the caller removes
     * it (else the next opening of the cache does, once it is stale).
     */
    Path temporaryFolder() throws IOException {
        Path temp = Files.createDirectories(root).resolve(TEMPORARY + "upload-" + UUID.randomUUID());
        return Files.createDirectory(temp);
    }

    private void removeStaleTemporaries(Duration staleAfter) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(p -> p.getFileName().toString().startsWith(TEMPORARY)).toList()) {
                try {
                    if (DurableFiles.untouchedFor(p, staleAfter)) {
                        VersionFiles.deleteRecursively(p);
                    }
                } catch (NoSuchFileException gone) {
                    // finished or removed by its writer meanwhile
                }
            }
        }
    }
}
