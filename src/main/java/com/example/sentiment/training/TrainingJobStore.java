package com.example.sentiment.training;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.system.StoredJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Job records of the local queue ({@link LocalTrainingJobQueue}) as one JSON file each, replaced atomically, so
 * they survive restarts and crashes.
 */
@Component
@ConditionalOnProperty(name = "sentiment.queue.type", havingValue = "local", matchIfMissing = true)
class TrainingJobStore {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobStore.class);

    private final Path dir;
    private final JsonMapper json;
    // records written by an older or newer release must still load
    private final ObjectReader jobReader;

    TrainingJobStore(SentimentProperties properties, JsonMapper json) {
        this.jobReader = StoredJson.readerFor(json, TrainingJobView.class);
        this.dir = properties.jobsDir().toAbsolutePath().normalize();
        this.json = json;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the jobs directory " + dir, e);
        }
    }

    synchronized void save(TrainingJobView job) {
        Path temp = dir.resolve("." + job.id() + ".json.tmp");
        try {
            Files.write(temp, json.writeValueAsBytes(job));
            try {
                Files.move(temp, dir.resolve(job.id() + ".json"), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, dir.resolve(job.id() + ".json"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | JacksonException e) {
            log.error("Cannot record training job {}: {}", job.id(), e.getMessage());
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the directory is unwritable; a stray temporary record is harmless: only *.json is read
            }
        }
    }

    List<TrainingJobView> loadAll() {
        List<TrainingJobView> jobs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                try {
                    jobs.add(jobReader.readValue(file.toFile()));
                } catch (JacksonException e) {
                    log.warn("Ignoring unreadable job record {}: {}", file.getFileName(), e.getOriginalMessage());
                }
            }
        } catch (IOException e) {
            log.error("Cannot read job records in {}: {}", dir, e.getMessage());
        }
        return jobs;
    }
}
