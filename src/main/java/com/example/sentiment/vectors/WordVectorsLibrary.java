package com.example.sentiment.vectors;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.TrainingFailedException;
import com.example.sentiment.ml.WordVectorTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The word-vectors files of {@code sentiment.vectors-dir}, each opened once per process and shared by every
 * job. The default file ({@code sentiment.training.defaults.word-vectors}) is opened at start, and whether it
 * could be is logged and shown in {@code /api/v1/status}: without it jobs train random embeddings.
 */
@Component
public class WordVectorsLibrary {

    private static final Logger log = LoggerFactory.getLogger(WordVectorsLibrary.class);

    private final Path directory;
    private final String defaultName;
    private final Map<String, WordVectorTable> opened = new ConcurrentHashMap<>();
    private final Status status;

    public WordVectorsLibrary(SentimentProperties properties) {
        this.directory = properties.vectorsDir().toAbsolutePath().normalize();
        String name = properties.training().defaults().wordVectors();
        this.defaultName = name == null || name.isBlank() ? null : name;
        this.status = openDefault();
    }

    private Status openDefault() {
        if (defaultName == null) {
            log.info("No default word vectors configured: jobs train random embeddings unless they name a file");
            return new Status(null, false, 0, 0, "no default word vectors configured");
        }
        Path file = directory.resolve(defaultName);
        if (!Files.isRegularFile(file)) {
            String why = file + " is missing (the build could not fetch it: run ./mvnw process-classes online)";
            log.warn("Default word vectors unavailable: {}; jobs train random embeddings", why);
            return new Status(defaultName, false, 0, 0, why + "; jobs train random embeddings");
        }
        try {
            long start = System.nanoTime();
            WordVectorTable table = get(defaultName);
            log.info("Default word vectors {}: {} words of {} dimensions, opened in {} ms", defaultName, table.size(),
                    table.dimensions(), (System.nanoTime() - start) / 1_000_000);
            return new Status(defaultName, true, table.size(), table.dimensions(), null);
        } catch (TrainingFailedException e) {
            log.error("Default word vectors unavailable: {}; jobs train random embeddings", e.getMessage());
            return new Status(defaultName, false, 0, 0, e.getMessage() + "; jobs train random embeddings");
        }
    }

    /** The default vectors' name when they could be opened at start, else empty (jobs then train random embeddings). */
    public Optional<String> defaultName() {
        return status.available() ? Optional.of(defaultName) : Optional.empty();
    }

    /** Whether the vectors directory has a file of this name. */
    public boolean exists(String name) {
        return Files.isRegularFile(directory.resolve(name));
    }

    /**
     * The vectors of the named file, opened on first use and kept.
     *
     * @throws TrainingFailedException when the file is missing or unreadable
     */
    public WordVectorTable get(String name) {
        return opened.computeIfAbsent(name, n -> WordVectorTable.open(directory.resolve(n)));
    }

    public Path directory() {
        return directory;
    }

    /** What became of the default vectors at start. */
    public Status status() {
        return status;
    }

    /**
     * @param name the default file's name (null when none is configured)
     * @param available whether jobs start from it
     * @param problem why not, when not
     */
    public record Status(String name, boolean available, int words, int dimensions, String problem) {
    }
}
