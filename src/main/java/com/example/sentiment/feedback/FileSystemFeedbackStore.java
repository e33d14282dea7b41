package com.example.sentiment.feedback;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.system.DurableFiles;
import com.example.sentiment.system.StoredJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Corrections as one JSON file each in {@link SentimentProperties#feedbackDir()}, written durably and
 * atomically (see {@link DurableFiles}), and indexed in memory at start. A temporary file left by a crash
 * mid-write is removed at start; it never shows as a correction. The default; with
 * {@code sentiment.queue.type=postgres} corrections live in the shared database instead
 * ({@code feedback/postgres}).
 */
@Component
@ConditionalOnProperty(name = "sentiment.queue.type", havingValue = "local", matchIfMissing = true)
class FileSystemFeedbackStore implements FeedbackStore {

    private static final Logger log = LoggerFactory.getLogger(FileSystemFeedbackStore.class);
    private static final String SUFFIX = ".json";
    private static final Comparator<Feedback> OLDEST_FIRST = Comparator.comparing(Feedback::createdAt)
            .thenComparing(Feedback::id);

    private final Path dir;
    private final JsonMapper json;
    private final ObjectReader reader;
    // oldest first; ids are unique
    private final TreeMap<Feedback, Feedback> index = new TreeMap<>(OLDEST_FIRST);
    private final Map<String, Feedback> byId = new HashMap<>();

    FileSystemFeedbackStore(SentimentProperties properties, JsonMapper json) {
        this.dir = properties.feedbackDir().toAbsolutePath().normalize();
        this.json = json;
        this.reader = StoredJson.readerFor(json, Feedback.class);
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
        byte[] bytes = json.writeValueAsBytes(feedback);
        synchronized (index) {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                DurableFiles.fsync(dir.getParent()); // so that the new folder itself survives a power cut
            }
            DurableFiles.write(dir.resolve(feedback.id() + SUFFIX), bytes);
            index.put(feedback, feedback);
            byId.put(feedback.id(), feedback);
        }
    }

    @Override
    public Optional<Feedback> find(String id) {
        synchronized (index) {
            return Optional.ofNullable(byId.get(id));
        }
    }

    @Override
    public FeedbackPage page(int page, int size, String modelId) {
        List<Feedback> matching = new ArrayList<>();
        synchronized (index) {
            for (Feedback f : index.descendingKeySet()) {
                if (modelId == null || modelId.equals(f.modelId())) {
                    matching.add(f);
                }
            }
        }
        long from = Math.min((long) page * size, matching.size());
        int to = (int) Math.min(from + size, matching.size());
        return new FeedbackPage(List.copyOf(matching.subList((int) from, to)), page, size, matching.size());
    }

    @Override
    public List<Feedback> all() {
        synchronized (index) {
            return List.copyOf(index.keySet());
        }
    }

    private void load() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(DurableFiles.TEMP_PREFIX)) {
                    log.info("Removing left-over {} from an interrupted write", name);
                    Files.deleteIfExists(file);
                } else if (name.endsWith(SUFFIX)) {
                    read(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the feedback directory " + dir, e);
        }
        log.info("Feedback store {}: {} correction(s)", dir, index.size());
    }

    private void read(Path file) {
        try {
            Feedback f = reader.readValue(file.toFile());
            if (f.id() == null || f.createdAt() == null || f.text() == null || f.label() == null) {
                log.warn("Ignoring incomplete correction {}", file.getFileName());
                return;
            }
            index.put(f, f);
            byId.put(f.id(), f);
        } catch (JacksonException e) {
            log.warn("Ignoring unreadable correction {}: {}", file.getFileName(), e.getOriginalMessage());
        }
    }
}
