package com.example.sentiment.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {

    @TempDir
    Path dir;

    @Test
    void aFailedFsyncFailsTheWriteAndTheOldFileStays() throws Exception {
        Path target = dir.resolve("job.json");
        DurableFiles.write(target, "old".getBytes(StandardCharsets.UTF_8));
        try (AutoCloseable disk = FailingDisk.failFsyncOf(p -> p.getFileName().toString().startsWith(".tmp-"))) {
            assertThatThrownBy(() -> DurableFiles.write(target, "new".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(IOException.class).hasMessageContaining("Input/output error");
        }
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(names()).containsExactly("job.json");
    }

    @Test
    void twoWritersOfOneFileNeverPublishATornOne() throws Exception {
        Path target = dir.resolve("metadata.json");
        // contents long enough that a truncate-and-rewrite is caught half-way by the other writer's rename
        byte[] a = "a".repeat(256 * 1024).getBytes(StandardCharsets.UTF_8);
        byte[] b = "b".repeat(200 * 1024).getBytes(StandardCharsets.UTF_8);
        DurableFiles.write(target, a);
        Set<String> whole = Set.of(new String(a, StandardCharsets.UTF_8), new String(b, StandardCharsets.UTF_8));
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (byte[] content : List.of(a, b)) {
                writers.add(threads.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        DurableFiles.write(target, content);
                    }
                    return null;
                }));
            }
            Future<Integer> reader = threads.submit(() -> {
                int reads = 0;
                while (writing.get()) {
                    assertThat(whole).contains(Files.readString(target));
                    reads++;
                }
                return reads;
            });
            try {
                for (Future<?> writer : writers) {
                    writer.get(60, TimeUnit.SECONDS); // a writer whose temporary file was renamed away fails here
                }
            } finally {
                writing.set(false);
            }
            assertThat(reader.get(10, TimeUnit.SECONDS)).isPositive();
        } finally {
            threads.shutdownNow();
        }
        assertThat(whole).contains(Files.readString(target));
        assertThat(names()).containsExactly("metadata.json");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
