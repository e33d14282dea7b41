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
            if (!labels.contains(c.label()) && multiLabel(metadata)) {
                // a multi-label version's correction names every label the text has, joined by '|'
                c = new Correction(c.text(), labelSet(c.label(), labels, modelId, c.newLabel()), c.modelId(),
                        c.predictedLabel(), c.newLabel());
            } else if (!c.newLabel() && !labels.contains(c.label())) {
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
            rollout.corrected(modelId, c.text(), c.label());
        }
        return feedback;
    }

    /** The separator of the labels of one multi-label correction, as multi-label uploads use by default. */
    static final String LABEL_SEPARATOR = "|";

    private static boolean multiLabel(ModelMetadata metadata) {
        return metadata.evaluation() != null && metadata.evaluation().hasMultiLabelFigures();
    }

    /**
     * The labels of a multi-label correction, sorted and without duplicates, joined by {@value #LABEL_SEPARATOR}
     * as a multi-label upload's label column holds them; each must be one of the version's unless {@code newLabel}.
     */
    private static String labelSet(String joined, List<String> known, String modelId, boolean newLabel) {
        java.util.TreeSet<String> set = new java.util.TreeSet<>();
        for (String part : joined.split(java.util.regex.Pattern.quote(LABEL_SEPARATOR), -1)) {
            if (part.isBlank()) {
                continue;
            }
            if (!newLabel && !known.contains(part.strip())) {
                throw BadRequestException.forField("label", "'" + part.strip() + "' is not a label of model "
                        + modelId + " (" + String.join(", ", known) + "); a multi-label correction names its labels "
                        + "joined by '|'; send \"newLabel\": true to teach a new one");
            }
            set.add(part.strip());
        }
        if (set.isEmpty()) {
            throw BadRequestException.forField("label", "must name at least one label");
        }
        return String.join(LABEL_SEPARATOR, set);
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
