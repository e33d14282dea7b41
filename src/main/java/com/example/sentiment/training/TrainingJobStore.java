package com.example.sentiment.training;

import com.example.sentiment.ConditionalOnPostgres;
import com.example.sentiment.SentimentProperties;
import com.example.sentiment.system.DurableFiles;
import com.example.sentiment.system.StoredJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Job records of the local queue ({@link LocalTrainingJobQueue}) as one JSON file each, replaced atomically and
 * flushed to disk ({@link DurableFiles}), so they survive restarts, crashes and power cuts.
 *
 * <p>A record that cannot be written is an {@link IOException} for the caller to act on (the queue refuses a
 * new job with 503, and carries on with a running one), and every such failure counts in
 * {@code sentiment.training.job-record.failures}.
 */
@Component
@ConditionalOnPostgres(value = "sentiment.queue.type", chosen = false)
class TrainingJobStore {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobStore.class);

    private final Path dir;
    private final JsonMapper json;
    // records written by an older or newer release must still load
    private final ObjectReader jobReader;
    private final Counter failures;

    TrainingJobStore(SentimentProperties properties, JsonMapper json) {
        this(properties, json, new SimpleMeterRegistry());
    }

    @Autowired
    TrainingJobStore(SentimentProperties properties, JsonMapper json, MeterRegistry meters) {
        this.jobReader = StoredJson.readerFor(json, TrainingJobView.class);
        this.dir = properties.jobsDir().toAbsolutePath().normalize();
        this.json = json;
        this.failures = Counter.builder("sentiment.training.job-record.failures")
                .description("Training job records that could not be written to disk").register(meters);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the jobs directory " + dir, e);
        }
    }

    /** Writes the job's record durably; when that fails, the record on disk is the previous one (or none). */
    synchronized void save(TrainingJobView job) throws IOException {
        try {
            DurableFiles.write(dir.resolve(job.id() + ".json"), json.writeValueAsBytes(job));
        } catch (IOException | JacksonException e) {
            failures.increment();
            log.error("Cannot record training job {} in {}: {}", job.id(), dir, e.getMessage());
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
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
