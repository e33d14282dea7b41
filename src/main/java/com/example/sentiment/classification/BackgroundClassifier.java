package com.example.sentiment.classification;

import com.example.sentiment.ml.Prediction;
import com.example.sentiment.model.ModelService;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Classification for work that nobody waits for interactively (classification jobs over a whole file): the same
 * inference workers and forward passes as {@code /classify}, at a lower priority (see
 * {@link InferenceBatcher#classifyInBackground}), and without the per-call limits of the HTTP API, since a job
 * checks its rows when its file is uploaded.
 */
@Component
public class BackgroundClassifier {

    private final ModelService models;
    private final InferenceBatcher batcher;
    private final ClassificationMetrics metrics;

    BackgroundClassifier(ModelService models, InferenceBatcher batcher, ClassificationMetrics metrics) {
        this.models = models;
        this.batcher = batcher;
        this.metrics = metrics;
    }

    /** The named version (loaded if need be), or the active one when {@code modelId} is null. */
    public ModelService.LoadedModel resolve(String modelId) {
        return models.resolve(modelId);
    }

    /**
     * Predictions for {@code texts}, in their order, once the workers had time for them between interactive
     * requests.
     *
     * @throws InterruptedException when the calling job is stopped while it waits
     */
    public List<Prediction> classify(ModelService.LoadedModel model, List<String> texts) throws InterruptedException {
        List<List<String>> tokens = texts.stream().map(model.classifier()::tokenize).toList();
        List<Prediction> predictions = batcher.classifyInBackground(model.classifier(), tokens);
        metrics.recordPredictions(model.id(), predictions);
        return predictions;
    }

    /** How many texts one background pass holds ({@code sentiment.classify.batching.max-batch-size}). */
    public int passSize() {
        return batcher.maxBatchSize();
    }
}
