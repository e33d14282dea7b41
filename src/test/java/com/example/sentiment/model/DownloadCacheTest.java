package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local copies of remote versions: verified downloads, the most recently loaded kept, crash leftovers removed. */
class DownloadCacheTest {

    @TempDir
    Path root;

    /** The stored files: name to content, as the remote store would hand them out. */
    private final Map<String, String> stored = new HashMap<>(Map.of("model.zip", "weights", "labels.txt", "a\nb\n"));
    private final List<String> downloads = new ArrayList<>();

    private final DownloadCache.Source store = (file, sha256, target) -> {
        downloads.add(file);
        Files.writeString(target, stored.get(file));
    };

    private Map<String, String> checksums() throws Exception {
        Map<String, String> checksums = new HashMap<>();
        for (Map.Entry<String, String> file : stored.entrySet()) {
            Path f = Files.writeString(Files.createTempFile(root, ".tmp-sum", ""), file.getValue());
            checksums.put(file.getKey(), VersionFiles.sha256(f));
            Files.delete(f);
        }
        return checksums;
    }

    private List<String> entries(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aVersionIsDownloadedOnceAndACorruptedCopyAgain() throws Exception {
        DownloadCache cache = new DownloadCache(root.resolve("cache"), 3, Duration.ofHours(1));
        Map<String, String> checksums = checksums();
        Path dir = cache.fill("v1", checksums, store);
        assertThat(dir).isEqualTo(root.resolve("cache").resolve("v1"));
        assertThat(Files.readString(dir.resolve("model.zip"))).isEqualTo("weights");
        assertThat(downloads).containsExactlyInAnyOrder("model.zip", "labels.txt");

        cache.fill("v1", checksums, store);
        assertThat(downloads).as("both files match: nothing downloaded").hasSize(2);

        Files.writeString(dir.resolve("model.zip"), "weightz");
        cache.fill("v1", checksums, store);
        assertThat(downloads).hasSize(3).last().isEqualTo("model.zip");
        assertThat(Files.readString(dir.resolve("model.zip"))).isEqualTo("weights");
        assertThat(entries(dir)).containsExactly("labels.txt", "model.zip");
    }

    @Test
    void aDownloadThatDoesNotMatchItsChecksumIsRefusedAndLeavesNothing() throws Exception {
        DownloadCache cache = new DownloadCache(root.resolve("cache"), 3, Duration.ofHours(1));
        Map<String, String> checksums = checksums();
        stored.put("model.zip", "tampered");
        assertThatThrownBy(() -> cache.fill("v1", checksums, store)).isInstanceOf(ModelUnusableException.class)
                .hasMessageContaining("file model.zip of version v1 does not match its checksum");
        assertThat(entries(root.resolve("cache").resolve("v1"))).doesNotContain("model.zip")
                .noneMatch(name -> name.startsWith(".tmp-"));
    }

    @Test
    void theLeastRecentlyLoadedVersionsBeyondTheLimitAreRemoved() throws Exception {
        Path dir = root.resolve("cache");
        DownloadCache cache = new DownloadCache(dir, 2, Duration.ofHours(1));
        Instant now = Instant.now();
        for (String id : List.of("v1", "v2", "v3")) {
            cache.fill(id, checksums(), store);
        }
        // loaded 3, 2 and 1 hours ago, in that order; an upload on its way stays whatever its age
        Files.setLastModifiedTime(dir.resolve("v1"), FileTime.from(now.minus(Duration.ofHours(3))));
        Files.setLastModifiedTime(dir.resolve("v2"), FileTime.from(now.minus(Duration.ofHours(2))));
        Files.setLastModifiedTime(dir.resolve("v3"), FileTime.from(now.minus(Duration.ofHours(1))));
        Path upload = cache.temporaryFolder();
        Files.setLastModifiedTime(upload, FileTime.from(now.minus(Duration.ofHours(4))));

        cache.loaded("v1");
        assertThat(entries(dir)).containsExactly(upload.getFileName().toString(), "v1", "v3");
        cache.loaded("v3");
        assertThat(entries(dir)).containsExactly(upload.getFileName().toString(), "v1", "v3");
        cache.remove("v1");
        assertThat(entries(dir)).containsExactly(upload.getFileName().toString(), "v3");
    }

    @Test
    void theVersionJustLoadedStaysEvenWhenItsFolderLooksOlder() throws Exception {
        Path dir = root.resolve("cache");
        DownloadCache cache = new DownloadCache(dir, 1, Duration.ofHours(1));
        cache.fill("v1", checksums(), store);
        cache.fill("v2", checksums(), store);
        // a clock that went back: v2 is loaded now, yet v1 looks newer
        Files.setLastModifiedTime(dir.resolve("v1"), FileTime.from(Instant.now().plus(Duration.ofHours(1))));
        cache.loaded("v2");
        assertThat(entries(dir)).containsExactly("v1", "v2");
    }

    @Test
    void openingRemovesOnlyStaleTemporaryFiles() throws Exception {
        Path dir = Files.createDirectories(root.resolve("cache").resolve("v1"));
        Path stale = Files.writeString(dir.resolve(".tmp-model.zip-1"), "half");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path young = Files.writeString(dir.resolve(".tmp-model.zip-2"), "half", StandardCharsets.UTF_8);
        Path kept = Files.writeString(dir.resolve("model.zip"), "weights");
        Files.setLastModifiedTime(kept, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        new DownloadCache(root.resolve("cache"), 3, Duration.ofHours(1));
        assertThat(stale).doesNotExist();
        assertThat(young).exists();
        assertThat(kept).exists();
    }
}
