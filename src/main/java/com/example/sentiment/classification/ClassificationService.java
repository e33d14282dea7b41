package com.example.sentiment.classification;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.drift.DriftMonitor;
import com.example.sentiment.ml.LongText;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.rollout.RolloutTraffic;
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
    private final DriftMonitor drift;
    private final RolloutTraffic rollout;

    ClassificationService(ModelService models, SentimentProperties properties, ClassificationMetrics metrics,
                          InferenceBatcher batcher, DriftMonitor drift, RolloutTraffic rollout) {
        this.models = models;
        this.drift = drift;
        this.rollout = rollout;
        this.batcher = batcher;
        this.limits = properties.classify();
        this.metrics = metrics;
    }

    /**
     * How to answer.
     *
     * @param explain whether every result carries token weights (costs one batched forward pass per text)
     * @param minConfidence abstain below this top probability; null for the version's default (if any)
     * @param longText how to read a text longer than the version reads at once; null for the version's setting
     * @param targetPrecision abstain below the threshold that reaches this precision on the version's validation
     *                        data; null for the version's default (if any)
     * @param ambiguityMargin abstain when the top two probabilities are closer than this; null for the version's
     *                        default (if any)
     * @param explainLabel the label whose probability an explanation follows; null for each text's top label
     */
    record Options(boolean explain, Double minConfidence, LongText longText, Double targetPrecision,
                   Double ambiguityMargin, String explainLabel) {
        static final Options PLAIN = new Options(false, null);

        Options(boolean explain, Double minConfidence) {
            this(explain, minConfidence, null, null, null, null);
        }

        Options(boolean explain, Double minConfidence, LongText longText) {
            this(explain, minConfidence, longText, null, null, null);
        }

        Options(boolean explain, Double minConfidence, String explainLabel) {
            this(explain, minConfidence, null, null, null, explainLabel);
        }

        Options(boolean explain, Double minConfidence, Double targetPrecision, Double ambiguityMargin) {
            this(explain, minConfidence, null, targetPrecision, ambiguityMargin, null);
        }
    }

    ClassificationResult classify(String text, String modelId, Options options) {
        return measured("single", () -> {
            String problem = textProblem(text);
            if (problem != null) {
                throw BadRequestException.forField("text", problem);
            }
            Answer<List<ClassificationResult>> answer = routed(List.of(text), modelId, options, true);
            return new Answer<>(answer.modelId(), answer.value().get(0));
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
            Answer<List<ClassificationResult>> answer = routed(texts, modelId, options, false);
            return new Answer<>(answer.modelId(), new BatchClassificationResult(answer.modelId(), answer.value()));
        });
    }

    /**
     * The answers of the version the rollout routes the request to (the named one, the canary, or the active one),
     * their outcome reported back to the rollout.
     *
     * @param single one text of a single call, which the batcher takes as such
     */
    private Answer<List<ClassificationResult>> routed(List<String> texts, String modelId, Options options,
                                                      boolean single) {
        try (RolloutTraffic.Route route = rollout.route(modelId, texts)) {
            ModelService.LoadedModel model = models.resolve(route.modelId());
            // a precision target the version cannot answer: 422 before any work
            AbstentionRule rule = AbstentionRule.of(model.id(), model.metadata(), options);
            List<Prediction> predictions = options.explain() ? List.of()
                    : single ? List.of(batcher.classify(reader(model, options), texts.get(0)))
                    : batcher.classifyAll(reader(model, options), texts);
            List<ClassificationResult> results = options.explain() ? explained(model, texts, options, rule)
                    : answer(model, predictions, null, rule);
            route.answered(model.id(), texts, predictions,
                    (int) results.stream().filter(ClassificationResult::abstained).count());
            return new Answer<>(model.id(), results);
        }
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
            models.resolve(modelId); // an unknown version (or none active) is refused before the texts are looked at
            checkTexts(texts, field);
            try (RolloutTraffic.Route route = rollout.route(modelId, texts)) {
                ModelService.LoadedModel model = models.resolve(route.modelId());
                List<Prediction> predictions = batcher.classifyAll(model.classifier(), texts);
                metrics.recordPredictions(model.id(), predictions);
                drift.record(model.id(), model.classifier().labels(), predictions);
                route.answered(model.id(), texts, predictions, 0);
                return new Answer<>(model.id(), new Inference(model, predictions));
            }
        });
    }

    /**
     * Every text explained: the variants of all texts go to the batcher in chunks, so that other requests run
     * between them rather than behind one pass over all of them.
     */
    private List<ClassificationResult> explained(ModelService.LoadedModel model, List<String> texts, Options options,
                                                 AbstentionRule rule) {
        TextClassifier classifier = reader(model, options);
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
            variants.addAll(Occlusion.variants(t, maxLength, classifier.longText() == LongText.CHUNK));
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
        return answer(model, predictions, explanations, rule);
    }

    /** The version's classifier, reading long texts as the request asks (else as the version does). */
    private static TextClassifier reader(ModelService.LoadedModel model, Options options) {
        return model.classifier().reading(options.longText());
    }


    private List<ClassificationResult> answer(ModelService.LoadedModel model, List<Prediction> predictions,
                                              List<List<TokenWeight>> explanations, AbstentionRule rule) {
        List<ClassificationResult> results = new ArrayList<>(predictions.size());
        int abstained = 0;
        for (int i = 0; i < predictions.size(); i++) {
            ClassificationResult r = ClassificationResult.of(model.id(), predictions.get(i), rule,
                    explanations == null ? null : explanations.get(i));
            abstained += r.abstained() ? 1 : 0;
            results.add(r);
        }
        metrics.recordPredictions(model.id(), predictions);
        metrics.recordAbstentions(model.id(), abstained);
        drift.record(model.id(), model.classifier().labels(), predictions);
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
