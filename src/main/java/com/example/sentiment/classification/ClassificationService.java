package com.example.sentiment.classification;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.system.BadRequestException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;

/** Classifies texts with the active or a named model version, within the configured limits. */
@Service
class ClassificationService {

    private final ModelService models;
    private final SentimentProperties.Classify limits;

    ClassificationService(ModelService models, SentimentProperties properties) {
        this.models = models;
        this.limits = properties.classify();
    }

    ClassificationResult classify(String text, String modelId) {
        checkText("text", text);
        ModelService.LoadedModel model = models.resolve(modelId);
        return ClassificationResult.of(model.id(), model.classifier().classify(text));
    }

    BatchClassificationResult classifyBatch(List<String> texts, String modelId) {
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
        List<Prediction> predictions = model.classifier().classify(texts);
        return new BatchClassificationResult(model.id(),
                predictions.stream().map(p -> ClassificationResult.of(model.id(), p)).toList());
    }

    private void checkText(String field, String text) {
        String problem = textProblem(text);
        if (problem != null) {
            throw BadRequestException.forField(field, problem);
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
