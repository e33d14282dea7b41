package com.example.sentiment.classification;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.TextClassifier;
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

    /**
     * How to answer.
     *
     * @param explain whether every result carries token weights (costs one batched forward pass per text)
     * @param minConfidence abstain below this top probability; null for the version's default (if any)
     * @param explainLabel the label whose probability an explanation follows; null for each text's top label
     */
    record Options(boolean explain, Double minConfidence, String explainLabel) {
        static final Options PLAIN = new Options(false, null);

        Options(boolean explain, Double minConfidence) {
            this(explain, minConfidence, null);
        }
    }

    ClassificationResult classify(String text, String modelId, Options options) {
        return measured("single", () -> {
            String problem = textProblem(text);
            if (problem != null) {
                throw BadRequestException.forField("text", problem);
            }
            ModelService.LoadedModel model = models.resolve(modelId);
            ClassificationResult result = options.explain()
                    ? explained(model, List.of(text), options).get(0)
                    : answer(model, List.of(batcher.classify(model.classifier(), text)), options).get(0);
            return new Answer<>(model.id(), result);
        });
    }

    BatchClassificationResult classifyBatch(List<String> texts, String modelId, Options options) {
        return measured("batch", () -> {
            checkTexts(texts, "texts");
            if (options.explain() && texts.size() > limits.maxExplainTexts()) {
                // an explanation costs a forward pass per token read: a full batch explained is ~100 times the work
                throw BadRequestException.forField("texts", "at most " + limits.maxExplainTexts()
                        + " texts per call with explain=true, got " + texts.size());
            }
            ModelService.LoadedModel model = models.resolve(modelId);
            List<ClassificationResult> results = options.explain() ? explained(model, texts, options)
                    : answer(model, batcher.classifyAll(model.classifier(), texts), options);
            return new Answer<>(model.id(), new BatchClassificationResult(model.id(), results));
        });
    }

    /** The model version that answered and its predictions, in the order of the texts. */
    record Inference(ModelService.LoadedModel model, List<Prediction> predictions) {
    }

    /**
     * Predictions for the Open Inference Protocol: the same limits, batcher and metrics as a batch call,
     * without abstention (the protocol's outputs are the top label and every probability).
     *
     * @param field how the protocol names the texts, for error messages
     */
    Inference infer(String modelId, List<String> texts, String field) {
        return measured("v2-infer", () -> {
            ModelService.LoadedModel model = models.resolve(modelId);
            checkTexts(texts, field);
            List<Prediction> predictions = batcher.classifyAll(model.classifier(), texts);
            metrics.recordPredictions(model.id(), predictions);
            return new Answer<>(model.id(), new Inference(model, predictions));
        });
    }

    /**
     * Every text explained: the variants of all texts go to the batcher in chunks, so that other requests run
     * between them rather than behind one pass over all of them.
     */
    private List<ClassificationResult> explained(ModelService.LoadedModel model, List<String> texts, Options options) {
        TextClassifier classifier = model.classifier();
        if (options.explainLabel() != null && !classifier.labels().contains(options.explainLabel())) {
            throw BadRequestException.forField("explainLabel", "must be one of the model's labels: "
                    + String.join(", ", classifier.labels()));
        }
        int maxLength = classifier.maxSequenceLength();
        List<List<String>> tokens = new ArrayList<>(texts.size());
        List<List<String>> variants = new ArrayList<>();
        for (String text : texts) {
            List<String> t = classifier.tokenize(text);
            tokens.add(t);
            variants.addAll(Occlusion.variants(t, maxLength));
        }
        List<Prediction> all = batcher.classifyInChunks(classifier, variants);
        List<Prediction> predictions = new ArrayList<>(texts.size());
        List<List<TokenWeight>> explanations = new ArrayList<>(texts.size());
        int offset = 0;
        for (List<String> t : tokens) {
            int count = Occlusion.readTokens(t, maxLength).size() + 1;
            List<Prediction> own = all.subList(offset, offset + count);
            predictions.add(own.get(0));
            explanations.add(Occlusion.weights(t, maxLength, own, options.explainLabel()));
            offset += count;
        }
        return answer(model, predictions, explanations, options);
    }

    private List<ClassificationResult> answer(ModelService.LoadedModel model, List<Prediction> predictions,
                                              Options options) {
        return answer(model, predictions, null, options);
    }

    private List<ClassificationResult> answer(ModelService.LoadedModel model, List<Prediction> predictions,
                                              List<List<TokenWeight>> explanations, Options options) {
        Double threshold = options.minConfidence() != null ? options.minConfidence() : model.metadata().minConfidence();
        List<ClassificationResult> results = new ArrayList<>(predictions.size());
        int abstained = 0;
        for (int i = 0; i < predictions.size(); i++) {
            ClassificationResult r = ClassificationResult.of(model.id(), predictions.get(i), threshold,
                    explanations == null ? null : explanations.get(i));
            abstained += r.abstained() ? 1 : 0;
            results.add(r);
        }
        metrics.recordPredictions(model.id(), predictions);
        metrics.recordAbstentions(model.id(), abstained);
        return results;
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

    /** Refuses an empty or too large list and blank or too long texts (up to 20 of them named). */
    private void checkTexts(List<String> texts, String field) {
        if (texts.isEmpty()) {
            throw BadRequestException.forField(field, "must hold at least one text");
        }
        if (texts.size() > limits.maxBatchSize()) {
            throw BadRequestException.forField(field, "at most " + limits.maxBatchSize()
                    + " texts per call, got " + texts.size());
        }
        List<BadRequestException.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < texts.size() && errors.size() < 20; i++) {
            String problem = textProblem(texts.get(i));
            if (problem != null) {
                errors.add(new BadRequestException.FieldError(field + "[" + i + "]", problem));
            }
        }
        if (!errors.isEmpty()) {
            throw BadRequestException.forFields(errors);
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
