package com.example.sentiment.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.TestProperties;
import com.example.sentiment.system.DurableFiles;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/** The file-system adapter against the store contract, and what a crash can leave behind. */
class FileSystemFeedbackStoreTest extends FeedbackStoreContract {

    @TempDir
    Path data;

    private final JsonMapper json = JsonMapper.builder().findAndAddModules().build();

    private SentimentProperties.FeedbackLimits limits = NO_LIMITS;

    @Override
    protected FeedbackStore store(SentimentProperties.FeedbackLimits limits) {
        this.limits = limits;
        return reopen();
    }

    @Override
    protected FeedbackStore reopen() {
        return reopen(new CountingDisk());
    }

    private FileSystemFeedbackStore reopen(FileSystemFeedbackStore.Disk disk) {
        return new FileSystemFeedbackStore(TestProperties.of(Map.of("sentiment.models-dir", data.toString(),
                "sentiment.feedback.max-entries", String.valueOf(limits.maxEntries()),
                "sentiment.feedback.max-total-size", limits.maxTotalSize().toBytes() + "B")), json, disk);
    }

    /** The real disk, counting the records read. */
    private static class CountingDisk implements FileSystemFeedbackStore.Disk {
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public void write(Path file, byte[] bytes) throws IOException {
            FileSystemFeedbackStore.REAL_DISK.write(file, bytes);
        }

        @Override
        public byte[] read(Path file) throws IOException {
            reads.incrementAndGet();
            return FileSystemFeedbackStore.REAL_DISK.read(file);
        }
    }

    private Path dir() {
        return data.resolve(".feedback");
    }

    @Test
    void aWriteInterruptedByACrashLeavesNoCorrectionAndIsCleanedUp() throws Exception {
        FeedbackStore store = store();
        Feedback kept = feedback("kept", "positive", "m", 1);
        store.save(kept);
        // what a crash between writing and renaming leaves: a temporary file, possibly cut short
        Files.writeString(dir().resolve(".tmp-20261201-000002-000-0000abcd.json"), "{\"id\":\"20261201-0000");
        // and a record cut short by a file system that lost data
        Files.writeString(dir().resolve("20261201-000003-000-0000abcd.json"), "{\"id\":");
        FeedbackStore restarted = reopen();
        assertThat(restarted.all()).containsExactly(kept);
        try (var files = Files.list(dir())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp-"))).isEmpty();
        }
    }

    @Test
    void nothingIsLeftOfAWriteThatFailed() throws Exception {
        FeedbackStore store = store();
        Feedback f = feedback("x", "positive", "m", 1);
        // the tests run as root, so permissions would not stop the write: a directory in the record's place does
        Files.createDirectories(dir().resolve(f.id() + ".json").resolve("occupied"));
        assertThatThrownBy(() -> store.save(f)).isInstanceOf(java.io.IOException.class);
        assertThat(store.all()).isEmpty();
        assertThat(store.find(f.id())).isEmpty();
        try (var files = Files.list(dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(f.id() + ".json");
        }
    }

    @Test
    void idsThatAreNotFeedbackIdsAreRefused() {
        Feedback escaping = new Feedback("../../etc/x", java.time.Instant.now(), "t", "l", null, null);
        assertThatThrownBy(() -> store().save(escaping)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A text lives on disk only: what a page, a look-up or an export gives is what the file holds now. */
    @Test
    void textsAreReadFromDiskNotKeptInMemory() throws Exception {
        FeedbackStore store = store();
        Feedback f = feedback("as given", "positive", "m", 1);
        store.save(f);
        Feedback edited = new Feedback(f.id(), f.createdAt(), "edited on disk", f.label(), f.modelId(), f.predictedLabel());
        Files.write(dir().resolve(f.id() + ".json"), json.writeValueAsBytes(edited));
        assertThat(store.find(f.id())).contains(edited);
        assertThat(store.page(0, 10, null).items()).containsExactly(edited);
        assertThat(store.all()).containsExactly(edited);
    }

    /** Memory and reads follow what is handed out: a page or a look-up reads its own records, not the store. */
    @Test
    void aPageReadsOnlyItsOwnRecordsFromDisk() throws Exception {
        FeedbackStore store = store();
        for (int i = 0; i < 60; i++) {
            store.save(feedback("text " + i + " " + "x".repeat(1000), "positive", i % 2 == 0 ? "even" : "odd", i));
        }
        CountingDisk disk = new CountingDisk();
        FileSystemFeedbackStore restarted = reopen(disk);
        disk.reads.set(0); // opening reads each record once, to index it
        FeedbackPage page = restarted.page(3, 5, "even");
        assertThat(page.total()).isEqualTo(30);
        assertThat(page.items()).extracting(Feedback::text).allSatisfy(t -> assertThat(t).startsWith("text "));
        assertThat(disk.reads).as("records read for a page of 5 out of 60").hasValue(5);
        restarted.find(page.items().get(0).id());
        assertThat(disk.reads).hasValue(6);
        assertThat(restarted.find("../../etc/passwd")).isEmpty();
        assertThat(disk.reads).hasValue(6);
    }

    /** The export reads as it writes: the first rows go out before the last record has been read. */
    @Test
    void theExportIsWrittenWhileTheStoreIsStillBeingRead() throws Exception {
        FeedbackStore store = store();
        for (int i = 0; i < 100; i++) {
            store.save(feedback("text " + i + " " + "x".repeat(1000), "positive", "m", i));
        }
        CountingDisk disk = new CountingDisk();
        FileSystemFeedbackStore restarted = reopen(disk);
        disk.reads.set(0);
        List<Integer> readsAtEachWrite = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream recording = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                readsAtEachWrite.add(disk.reads.get());
                bytes.write(b, off, len);
            }
        };
        MockHttpServletResponse response = new MockHttpServletResponse() {
            @Override
            public ServletOutputStream getOutputStream() {
                return new ServletOutputStream() {
                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                    }

                    @Override
                    public void write(int b) throws IOException {
                        recording.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        recording.write(b, off, len);
                    }
                };
            }
        };
        new FeedbackController(null, restarted).export(null, response);
        String csv = bytes.toString(StandardCharsets.UTF_8);
        assertThat(csv).startsWith("text,label\r\ntext 0 ").endsWith(",positive\r\n");
        assertThat(csv.split("\r\n")).hasSize(101);
        assertThat(readsAtEachWrite).as("records read when each piece of the export was written").hasSizeGreaterThan(10);
        assertThat(readsAtEachWrite.get(0)).isLessThan(20);
    }

    /**
     * A write that fails half-way (a full disk) stores nothing, leaves no torn record, and the store carries on:
     * what was stored is read as before, now and after a restart, and the next write succeeds once there is room.
     */
    @Test
    void aFullDiskStoresNothingAndCorruptsNothing() throws Exception {
        FeedbackStore store = store();
        Feedback kept = feedback("kept", "positive", "m", 1);
        store.save(kept);
        FileSystemFeedbackStore full = reopen(new CountingDisk() {
            @Override
            public void write(Path file, byte[] bytes) throws IOException {
                // what a write cut off by ENOSPC leaves when not even its clean-up could run: part of a temp file
                Files.write(file.resolveSibling(DurableFiles.TEMP_PREFIX + file.getFileName()),
                        Arrays.copyOf(bytes, bytes.length / 2));
                throw new IOException("No space left on device");
            }
        });
        Feedback lost = feedback("lost", "positive", "m", 2);
        assertThatThrownBy(() -> full.save(lost)).isInstanceOf(IOException.class).hasMessageContaining("No space left");
        assertThat(full.find(lost.id())).isEmpty();
        assertThat(full.all()).containsExactly(kept);
        assertThat(full.page(0, 10, null).total()).isEqualTo(1);

        FeedbackStore restarted = reopen();
        assertThat(restarted.all()).containsExactly(kept);
        try (var files = Files.list(dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(kept.id() + ".json");
        }
        Feedback next = feedback("next", "positive", "m", 3);
        restarted.save(next);
        assertThat(reopen().all()).containsExactly(kept, next);
    }
}
