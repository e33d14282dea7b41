package com.example.sentiment.status;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.model.ActiveVersionPointer;
import com.example.sentiment.model.HeldOutAccuracy;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.training.JobQueueUnavailableException;
import com.example.sentiment.training.TrainingJobService;
import com.example.sentiment.training.TrainingJobView;
import com.example.sentiment.vectors.WordVectorsLibrary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The service at a glance. It reads the model, training and word-vectors features, so it has a package of its
 * own: {@code system/} stays the base that features use and imports none of them.
 */
@RestController
@Tag(name = "Status", description = "The service at a glance")
class StatusController {

    private final ModelService models;
    private final TrainingJobService training;
    private final String version;
    private final Security security;
    private final WordVectorsLibrary wordVectors;

    StatusController(ModelService models, TrainingJobService training, ObjectProvider<BuildProperties> build,
                     SentimentProperties properties, WordVectorsLibrary wordVectors) {
        this.models = models;
        this.wordVectors = wordVectors;
        this.security = new Security(notBlank(properties.security().apiKey()),
                notBlank(properties.security().classifyApiKey()));
        this.training = training;
        BuildProperties buildInfo = build.getIfAvailable();
        this.version = buildInfo != null ? buildInfo.getVersion() : "unknown";
    }

    @GetMapping("/api/v1/status")
    @Operation(summary = "Service status", description = "Active model, training activity, number of stored "
            + "models and the application version. Answers while the job queue's database or the model store is "
            + "away: training then carries the problem instead of figures.")
    Status status() {
        ActiveModel active = models.active().map(m -> {
            Optional<HeldOutAccuracy> accuracy = HeldOutAccuracy.of(m.metadata());
            return new ActiveModel(m.id(), m.metadata().labels(), accuracy.map(HeldOutAccuracy::accuracy).orElse(null),
                    accuracy.map(HeldOutAccuracy::standardError).orElse(null),
                    accuracy.map(HeldOutAccuracy::measuredOn).orElse(null), m.metadata().createdAt());
        }).orElse(null);
        return new Status(version, active, training(), models.knownVersions(),
                security, wordVectors.status(), new Serving(
                        models.loadedVersion().map(ActiveVersionPointer.Pointer::modelId).orElse(null),
                        models.desiredVersion().map(ActiveVersionPointer.Pointer::modelId).orElse(null),
                        models.desiredVersion().map(ActiveVersionPointer.Pointer::generation).orElse(null)));
    }

    /**
     * Training activity, or why it cannot be told: while the shared job queue's database is away the status
     * still answers (the active model and serving state are what an operator looks at then).
     */
    private Training training() {
        try {
            Optional<TrainingJobView> running = training.running();
            return new Training(running.map(TrainingJobView::id).orElse(null),
                    running.map(j -> j.progress().percent()).orElse(null), training.queued(), null);
        } catch (JobQueueUnavailableException e) {
            return new Training(null, null, null, e.getMessage());
        }
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }

    /**
     * @param storedModels versions this replica knows of (its last listing: no call to a remote store)
     * @param wordVectors the default pre-computed vectors jobs start from, or why they train random embeddings
     */
    record Status(String version, ActiveModel activeModel, Training training, int storedModels, Security security,
                  WordVectorsLibrary.Status wordVectors, Serving serving) {
    }

    /**
     * What this replica serves against what the active-version pointer asks for: they differ for the seconds a
     * new version takes to load, or while a version cannot be loaded (the old one keeps serving).
     */
    record Serving(String loadedVersion, String desiredVersion, Long desiredGeneration) {
    }

    /** Whether X-API-Key is needed, so that clients can ask for it before sending a large upload. */
    record Security(boolean apiKeyRequired, boolean classifyApiKeyRequired) {
    }

    /**
     * @param accuracy on data the model never saw: a recorded evaluation file, else its validation data
     * @param accuracyStandardError binomial standard error of that figure
     * @param accuracyMeasuredOn what it was measured on, e.g. {@code dev.csv (872 examples)}
     */
    record ActiveModel(String id, List<String> labels, Double accuracy, Double accuracyStandardError,
                       String accuracyMeasuredOn, Instant createdAt) {
    }

    /** @param problem why the job queue could not be read (the other fields are then null), else null */
    record Training(String runningJobId, Double runningJobPercent, Long queuedJobs, String problem) {
    }
}
