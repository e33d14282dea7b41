package com.example.sentiment.classification;

import com.example.sentiment.ml.Prediction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Classification metrics for Prometheus, with a small fixed set of tag values (model version, endpoint,
 * outcome, label; never text or ids of requests): latency with percentiles and SLO buckets, predictions per
 * label, confidence per model version (for drift watching), abstentions per model version and inference
 * batch sizes.
 */
@Component
class ClassificationMetrics {

    static final String NO_MODEL = "none";

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Counter>> predictions = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> confidence = new ConcurrentHashMap<>();
    private final Map<String, Counter> abstentions = new ConcurrentHashMap<>();
    private final DistributionSummary batchSizes;

    ClassificationMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batchSizes = DistributionSummary.builder("sentiment.inference.batch.size")
                .description("Texts per classification call").baseUnit("texts")
                .serviceLevelObjectives(1, 8, 32, 64, 128, 256).register(registry);
    }

    void recordLatency(String endpoint, String modelId, String outcome, long nanos) {
        String key = endpoint + '|' + modelId + '|' + outcome;
        timers.computeIfAbsent(key, k -> Timer.builder("sentiment.classify.latency")
                        .description("Classification latency inside the service")
                        .tags("endpoint", endpoint, "model", modelId, "outcome", outcome)
                        .publishPercentiles(0.5, 0.95, 0.99)
                        .publishPercentileHistogram()
                        .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
                                Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250))
                        .register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Counts answers without a label (top probability below minConfidence); registered on a version's first answer. */
    void recordAbstentions(String modelId, int count) {
        abstentions.computeIfAbsent(modelId, k -> Counter.builder("sentiment.abstentions")
                .description("Classifications answered without a label because the top probability was below "
                        + "minConfidence").tags("model", modelId).register(registry)).increment(count);
    }

    void recordPredictions(String modelId, List<Prediction> results) {
        batchSizes.record(results.size());
        Map<String, Counter> perLabel = predictions.computeIfAbsent(modelId, k -> new ConcurrentHashMap<>());
        DistributionSummary confidences = confidence.computeIfAbsent(modelId, k -> DistributionSummary
                .builder("sentiment.prediction.confidence").description("Confidence of the predicted label")
                .tags("model", modelId).serviceLevelObjectives(0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
                .register(registry));
        for (Prediction p : results) {
            perLabel.computeIfAbsent(p.label(), label -> Counter.builder("sentiment.predictions")
                    .description("Predictions per label").tags("model", modelId, "label", label)
                    .register(registry)).increment();
            confidences.record(p.confidence());
        }
    }
}
