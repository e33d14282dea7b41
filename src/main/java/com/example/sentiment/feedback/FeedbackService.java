package com.example.sentiment.feedback;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.model.ModelMetadata;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.model.StoredModel;
import com.example.sentiment.system.BadRequestException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** Takes corrections of classification answers, checked against the model they correct, and stores them. */
@Service
class FeedbackService {

    private static final Logger log = LoggerFactory.getLogger(FeedbackService.class);

    private final FeedbackStore store;
    private final ModelService models;
    private final int maxTextLength;

    private final com.example.sentiment.rollout.RolloutTraffic rollout;

    FeedbackService(FeedbackStore store, ModelService models, SentimentProperties properties) {
        this(store, models, properties, null);
    }

    /** @param rollout told of every correction, for the canary's correction guard; null for none */
    @org.springframework.beans.factory.annotation.Autowired
    FeedbackService(FeedbackStore store, ModelService models, SentimentProperties properties,
                    com.example.sentiment.rollout.RolloutTraffic rollout) {
        this.rollout = rollout;
        this.store = store;
        this.models = models;
        this.maxTextLength = properties.classify().maxTextLength();
    }

    /** A correction as a client gives it. */
    record Correction(String text, String label, String modelId, String predictedLabel, boolean newLabel) {
    }

    /**
     * Stores a correction. Its label must be one the named model version (or the active one) knows, unless
     * {@code newLabel} says it is meant to teach a new one.
     */
    Feedback add(Correction c) {
        if (c.text().isBlank()) {
            throw BadRequestException.forField("text", "must not be blank");
        }
        if (c.text().length() > maxTextLength) {
            throw BadRequestException.forField("text", "must be at most " + maxTextLength + " characters, got "
                    + c.text().length());
        }
        refuseUnstorable("text", c.text());
        refuseUnstorable("label", c.label());
        refuseUnstorable("predictedLabel", c.predictedLabel());
        String modelId = c.modelId();
        if (modelId != null || !c.newLabel()) {
            ModelMetadata metadata = modelId != null ? modelMetadata(modelId) : models.resolve(null).metadata();
            modelId = metadata.id();
            List<String> labels = metadata.labels();
            if (!c.newLabel() && !labels.contains(c.label())) {
                throw BadRequestException.forField("label", "'" + c.label() + "' is not a label of model "
                        + modelId + " (" + String.join(", ", labels) + "); send \"newLabel\": true to teach a new one");
            }
        }
        Instant now = Instant.now();
        Feedback feedback = new Feedback(FeedbackIds.next(now), now, c.text(), c.label(), modelId, c.predictedLabel());
        try {
            store.save(feedback);
        } catch (IOException e) {
            // a full disk or a failing volume: the service's condition, not the client's; the path stays in the log
            log.error("Cannot store correction {}: {}", feedback.id(), e.toString());
            throw new FeedbackStoreUnavailableException();
        }
        if (rollout != null) {
            rollout.corrected(modelId);
        }
        return feedback;
    }

    /** A 400 for what no backend can store exactly, before the model is even looked at (see {@link StorableText}). */
    private static void refuseUnstorable(String field, String value) {
        StorableText.problem(value).ifPresent(reason -> {
            throw BadRequestException.forField(field, reason);
        });
    }

    private ModelMetadata modelMetadata(String id) {
        StoredModel stored = models.get(id);
        if (stored.metadata() == null) {
            throw BadRequestException.forField("modelId", "model " + id + " cannot be read: " + stored.problem());
        }
        return stored.metadata();
    }
}
