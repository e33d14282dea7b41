package com.example.sentiment.classification;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.system.BadRequestException;
import com.example.sentiment.system.ProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.stereotype.Service;

/** Classifies texts with the active or a named model version, within the configured limits. */
@Service
class ClassificationService {

    private final ModelService models;
    private final SentimentProperties.Classify limits;
    private final ClassificationMetrics metrics;
    private final InferenceBatcher batcher;

    ClassificationService(ModelService models, SentimentProperties properties, ClassificationMetrics metrics,
                          InferenceBatcher batcher) {
        this.models = models;
        this.batcher = batcher;
        this.limits = properties.classify();
        this.metrics = metrics;
    }

    ClassificationResult classify(String text, String modelId) {
        return measured("single", () -> {
            String problem = textProblem(text);
            if (problem != null) {
                throw BadRequestException.forField("text", problem);
            }
            ModelService.LoadedModel model = models.resolve(modelId);
            Prediction prediction = batcher.classify(model.classifier(), text);
            metrics.recordPredictions(model.id(), List.of(prediction));
            return new Answer<>(model.id(), ClassificationResult.of(model.id(), prediction));
        });
    }

    BatchClassificationResult classifyBatch(List<String> texts, String modelId) {
        return measured("batch", () -> {
            if (texts.size() > limits.maxBatchSize()) {
                throw BadRequestException.forField("texts", "at most " + limits.maxBatchSize()
                        + " texts per call, got " + texts.size());
            }
            List<BadRequestException.FieldError> errors = new ArrayList<>();
            for (int i = 0; i < texts.size() && errors.size() < 20; i++) {
                String problem = textProblem(texts.get(i));
                if (problem != null) {
                    errors.add(new BadRequestException.FieldError("texts[" + i + "]", problem));
                }
            }
            if (!errors.isEmpty()) {
                throw BadRequestException.forFields(errors);
            }
            ModelService.LoadedModel model = models.resolve(modelId);
            List<Prediction> predictions = batcher.classifyAll(model.classifier(), texts);
            metrics.recordPredictions(model.id(), predictions);
            return new Answer<>(model.id(), new BatchClassificationResult(model.id(),
                    predictions.stream().map(p -> ClassificationResult.of(model.id(), p)).toList()));
        });
    }

    /** A response and the model version that gave it, for the latency metric's tag. */
    private record Answer<T>(String modelId, T value) {
    }

    private <T> T measured(String endpoint, Supplier<Answer<T>> work) {
        long start = System.nanoTime();
        String outcome = "server_error";
        String modelId = ClassificationMetrics.NO_MODEL;
        try {
            Answer<T> answer = work.get();
            outcome = "success";
            modelId = answer.modelId();
            return answer.value();
        } catch (ProblemException e) {
            outcome = e.status().is4xxClientError() ? "client_error" : "server_error";
            throw e;
        } finally {
            metrics.recordLatency(endpoint, modelId, outcome, System.nanoTime() - start);
        }
    }

    private String textProblem(String text) {
        if (text == null || text.isBlank()) {
            return "must not be blank";
        }
        if (text.length() > limits.maxTextLength()) {
            return "must be at most " + limits.maxTextLength() + " characters, got " + text.length();
        }
        return null;
    }
}
