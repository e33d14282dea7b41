package com.example.sentiment.feedback;

import com.example.sentiment.ConditionalOnPostgres;
import com.example.sentiment.SentimentProperties;
import com.example.sentiment.system.DurableFiles;
import com.example.sentiment.system.StoredJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Corrections as one JSON file each in {@link SentimentProperties#feedbackDir()}, written durably and
 * atomically (see {@link DurableFiles}): a write that fails half-way (a full disk) or a crash leaves at most a
 * temporary file, never a torn record, and the temporary file is removed at start. The texts stay on disk; in
 * memory is an index of each correction's time, id, model and size (read once at start), which orders pages and
 * enforces {@code sentiment.feedback}'s caps; a page, a look-up or an export reads just the files it returns.
 * The default ({@code sentiment.feedback.store=filesystem}); with {@code postgres} (which an unset
 * {@code sentiment.feedback.store} takes from {@code sentiment.queue.type}) corrections live in the shared database
 * instead ({@code feedback/postgres}).
 */
@Component
@ConditionalOnPostgres(value = "sentiment.feedback.store", chosen = false)
class FileSystemFeedbackStore implements FeedbackStore {

    private static final Logger log = LoggerFactory.getLogger(FileSystemFeedbackStore.class);
    private static final String SUFFIX = ".json";

    /** How records reach the disk and come back: a seam, so that tests can fill the disk or count reads. */
    interface Disk {
        void write(Path file, byte[] bytes) throws IOException;

        byte[] read(Path file) throws IOException;
    }

    /** The disk itself: records written with {@link DurableFiles}. */
    static final Disk REAL_DISK = new Disk() {
        @Override
        public void write(Path file, byte[] bytes) throws IOException {
            DurableFiles.write(file, bytes);
        }

        @Override
        public byte[] read(Path file) throws IOException {
            return Files.readAllBytes(file);
        }
    };

    /** What the index keeps of a correction: about 150 bytes, whatever the text's length. */
    private record Entry(Instant createdAt, String id, String modelId, long size) {
    }

    private static final Comparator<Entry> OLDEST_FIRST = Comparator.comparing(Entry::createdAt)
            .thenComparing(Entry::id);

    private final Path dir;
    private final JsonMapper json;
    private final ObjectReader reader;
    private final Disk disk;
    private final int maxEntries;
    private final long maxTotalSize;
    // guarded by itself, as are byId, modelIds and totalSize
    private final TreeSet<Entry> index = new TreeSet<>(OLDEST_FIRST);
    private final Map<String, Entry> byId = new HashMap<>();
    // one String per model id, however many corrections name it
    private final Map<String, String> modelIds = new HashMap<>();
    private long totalSize;

    @Autowired
    FileSystemFeedbackStore(SentimentProperties properties, JsonMapper json) {
        this(properties, json, REAL_DISK);
    }

    FileSystemFeedbackStore(SentimentProperties properties, JsonMapper json, Disk disk) {
        this.dir = properties.feedbackDir().toAbsolutePath().normalize();
        this.json = json;
        this.reader = StoredJson.readerFor(json, Feedback.class);
        this.disk = disk;
        this.maxEntries = properties.feedback().maxEntries();
        this.maxTotalSize = properties.feedback().maxTotalSize().toBytes();
        // the folder is made by the first correction, so that a service that never gets one has none
        if (Files.isDirectory(dir)) {
            load();
        }
    }

    @Override
    public void save(Feedback feedback) throws IOException {
        if (!FeedbackIds.isValid(feedback.id())) {
            throw new IllegalArgumentException("not a feedback id: " + feedback.id());
        }
        StorableText.check(feedback);
        byte[] bytes = json.writeValueAsBytes(feedback);
        long size = feedback.storedSize();
        synchronized (index) {
            if (index.size() >= maxEntries) {
                throw FeedbackStoreFullException.entries(maxEntries);
            }
            if (totalSize + size > maxTotalSize) {
                throw FeedbackStoreFullException.size(maxTotalSize);
            }
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                DurableFiles.fsync(dir.getParent()); // so that the new folder itself survives a power cut
            }
            disk.write(file(feedback.id()), bytes);
            add(feedback, size);
        }
    }

    @Override
    public Optional<Feedback> find(String id) {
        // the id comes from a URL: only a valid one becomes a file name
        if (!FeedbackIds.isValid(id)) {
            return Optional.empty();
        }
        synchronized (index) {
            if (!byId.containsKey(id)) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(read(file(id)));
    }

    @Override
    public boolean delete(String id) throws IOException {
        if (!FeedbackIds.isValid(id)) {
            return false;
        }
        synchronized (index) {
            Entry entry = byId.get(id);
            if (entry == null) {
                return false;
            }
            Files.deleteIfExists(file(id));
            // the removal is durable before the answer says so, as a save is
            DurableFiles.fsync(dir);
            index.remove(entry);
            byId.remove(id);
            totalSize -= entry.size();
            return true;
        }
    }

    @Override
    public FeedbackPage page(int page, int size, String modelId) {
        long from = (long) page * size;
        List<Entry> items = new ArrayList<>(size);
        long total = 0;
        synchronized (index) {
            for (Entry e : index.descendingSet()) {
                if (modelId == null || modelId.equals(e.modelId())) {
                    if (total >= from && items.size() < size) {
                        items.add(e);
                    }
                    total++;
                }
            }
        }
        List<Feedback> read = new ArrayList<>(items.size());
        for (Entry e : items) {
            Feedback f = read(file(e.id()));
            if (f != null) {
                read.add(f);
            }
        }
        return new FeedbackPage(List.copyOf(read), page, size, total);
    }

    @Override
    public void forEach(String modelId, Visitor visitor) throws IOException {
        List<Entry> matching = new ArrayList<>();
        synchronized (index) {
            for (Entry e : index) {
                if (modelId == null || modelId.equals(e.modelId())) {
                    matching.add(e);
                }
            }
        }
        for (Entry e : matching) {
            Feedback f = read(file(e.id()));
            if (f != null) {
                visitor.visit(f);
            }
        }
    }

    private Path file(String id) {
        return dir.resolve(id + SUFFIX);
    }

    private void add(Feedback f, long size) {
        String modelId = f.modelId() == null ? null : modelIds.computeIfAbsent(f.modelId(), m -> m);
        Entry entry = new Entry(f.createdAt(), f.id(), modelId, size);
        index.add(entry);
        byId.put(f.id(), entry);
        totalSize += size;
    }

    private void load() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(DurableFiles.TEMP_PREFIX)) {
                    log.info("Removing left-over {} from an interrupted write", name);
                    Files.deleteIfExists(file);
                } else if (name.endsWith(SUFFIX)) {
                    Feedback f = read(file);
                    if (f != null) {
                        add(f, f.storedSize());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the feedback directory " + dir, e);
        }
        log.info("Feedback store {}: {} correction(s), {} bytes", dir, index.size(), totalSize);
    }

    /** The correction in {@code file}; null (and a warning) when it is gone, unreadable or incomplete. */
    private Feedback read(Path file) {
        try {
            Feedback f = reader.readValue(disk.read(file));
            if (f.id() == null || f.createdAt() == null || f.text() == null || f.label() == null) {
                log.warn("Ignoring incomplete correction {}", file.getFileName());
                return null;
            }
            return f;
        } catch (NoSuchFileException e) {
            log.warn("Correction {} is indexed but its file is gone", file.getFileName());
        } catch (JacksonException e) {
            log.warn("Ignoring unreadable correction {}: {}", file.getFileName(), e.getOriginalMessage());
        } catch (IOException e) {
            log.warn("Cannot read correction {}: {}", file.getFileName(), e.getMessage());
        }
        return null;
    }
}
