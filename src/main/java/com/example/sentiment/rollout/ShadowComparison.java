package com.example.sentiment.rollout;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.model.ModelService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Classifies a sampled share of the answered traffic again with the shadow version, off the request's path: a
 * bounded queue and one low-priority thread. A full queue drops the sample (counted), so a slow shadow never
 * slows or changes an answer. Keeps the figures of the current shadow for its report (reset when the shadow
 * changes) and publishes {@code sentiment.shadow.*} metrics.
 */
@Component
class ShadowComparison {

    private static final Logger log = LoggerFactory.getLogger(ShadowComparison.class);
    private static final double Z95 = 1.959964;

    private final ModelService models;
    private final SentimentProperties.Rollout settings;
    private final ThreadPoolExecutor executor;
    private final Counter comparedCounter;
    private final Counter agreedCounter;
    private final Counter droppedCounter;
    private final Counter failedCounter;
    private Tally tally; // guarded by this

    @Autowired
    ShadowComparison(ModelService models, SentimentProperties properties, MeterRegistry registry) {
        this(models, properties.rollout(), registry);
    }

    ShadowComparison(ModelService models, SentimentProperties.Rollout settings, MeterRegistry registry) {
        this.models = models;
        this.settings = settings;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(settings.shadowQueue()), r -> {
                    Thread t = new Thread(r, "shadow-classifier");
                    t.setDaemon(true);
                    t.setPriority(Thread.MIN_PRIORITY);
                    return t;
                }, (task, pool) -> dropped());
        this.comparedCounter = Counter.builder("sentiment.shadow.compared").description("Texts classified by both the "
                + "active and the shadow version").register(registry);
        this.agreedCounter = Counter.builder("sentiment.shadow.agreed").description("Texts on which the shadow "
                + "version gave the active version's label").register(registry);
        this.droppedCounter = Counter.builder("sentiment.shadow.dropped").description("Sampled requests not "
                + "compared because the shadow queue was full").register(registry);
        this.failedCounter = Counter.builder("sentiment.shadow.failed").description("Sampled requests the shadow "
                + "version failed to classify").register(registry);
        Gauge.builder("sentiment.shadow.queue", executor, e -> e.getQueue().size())
                .description("Sampled requests waiting for the shadow version").register(registry);
        Gauge.builder("sentiment.shadow.agreement", this, s -> s.agreementNow())
                .description("Share of compared texts on which the shadow agreed with the active version")
                .register(registry);
    }

    @PreDestroy
    void close() {
        executor.shutdownNow();
    }

    /**
     * Hands a sample of an answered request to the shadow: returns at once, never throws.
     *
     * @param shadow the shadow in force (null for none)
     * @param activeId the version that answered
     * @param predictions the answer's predictions, in the order of {@code texts}
     * @param activeNanos how long the answer took
     */
    void offer(RolloutState.Shadow shadow, String activeId, List<String> texts, List<Prediction> predictions,
               long activeNanos) {
        try {
            if (shadow == null || shadow.modelId().equals(activeId) || texts.size() != predictions.size()
                    || ThreadLocalRandom.current().nextDouble() >= shadow.sampleRate()) {
                return;
            }
            List<String> ownTexts = List.copyOf(texts);
            List<Prediction> ownPredictions = List.copyOf(predictions);
            executor.execute(() -> compare(shadow, activeId, ownTexts, ownPredictions, activeNanos));
        } catch (RuntimeException e) {
            log.debug("Shadow sample not taken: {}", e.getMessage());
        }
    }

    private void dropped() {
        droppedCounter.increment();
        synchronized (this) {
            if (tally != null) {
                tally.dropped++;
            }
        }
    }

    private void compare(RolloutState.Shadow shadow, String activeId, List<String> texts, List<Prediction> active,
                         long activeNanos) {
        List<Prediction> shadowed;
        long start = System.nanoTime();
        try {
            shadowed = models.resolve(shadow.modelId()).classifier().classify(texts);
        } catch (RuntimeException e) {
            failedCounter.increment();
            synchronized (this) {
                tallyFor(shadow).failed++;
            }
            log.debug("The shadow version {} failed: {}", shadow.modelId(), e.getMessage());
            return;
        }
        long shadowNanos = System.nanoTime() - start;
        int agreed = 0;
        synchronized (this) {
            Tally t = tallyFor(shadow);
            for (int i = 0; i < texts.size(); i++) {
                String a = active.get(i).label();
                String s = shadowed.get(i).label();
                boolean same = a.equals(s);
                agreed += same ? 1 : 0;
                t.confusion.computeIfAbsent(a, k -> new TreeMap<>()).merge(s, 1L, Long::sum);
                if (!same && settings.shadowExamples() > 0) {
                    t.examples.addLast(new Disagreement(Instant.now(), settings.keepShadowTexts() ? texts.get(i) : null,
                            activeId, a, active.get(i).confidence(), s, shadowed.get(i).confidence()));
                    while (t.examples.size() > settings.shadowExamples()) {
                        t.examples.removeFirst();
                    }
                }
            }
            if (settings.shadowGate().feedbackTexts() > 0) {
                for (int i = 0; i < texts.size(); i++) {
                    t.answered.put(key(texts.get(i)), new String[] {active.get(i).label(), shadowed.get(i).label()});
                }
            }
            t.compared += texts.size();
            t.agreed += agreed;
            t.requests++;
            t.activeLatency.add(activeNanos);
            t.shadowLatency.add(shadowNanos);
        }
        comparedCounter.increment(texts.size());
        agreedCounter.increment(agreed);
    }

    private Tally tallyFor(RolloutState.Shadow shadow) {
        if (tally == null || !tally.shadow.modelId().equals(shadow.modelId())
                || !tally.shadow.since().equals(shadow.since())) {
            tally = new Tally(shadow, settings.latencySamples(), settings.shadowGate().feedbackTexts());
        }
        return tally;
    }

    /**
     * A correction arrived: if this replica compared {@code text} for the current shadow and the two versions
     * answered it differently, the one whose label {@code label} is scores (once per text: the entry is used up).
     */
    synchronized void corrected(String text, String label) {
        if (tally == null || text == null || label == null) {
            return;
        }
        String[] answers = tally.answered.remove(key(text));
        if (answers == null || answers[0].equals(answers[1])) {
            return;
        }
        if (label.equals(answers[1])) {
            tally.shadowRight++;
        } else if (label.equals(answers[0])) {
            tally.activeRight++;
        }
    }

    /** A text's key among the answered texts: SHA-256, so that no text is kept, and collisions do not happen. */
    private static String key(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private synchronized double agreementNow() {
        return tally == null || tally.compared == 0 ? Double.NaN : (double) tally.agreed / tally.compared;
    }

    /** The report of {@code shadow} as compared so far (all zero before its first comparison). */
    synchronized Report report(RolloutState.Shadow shadow) {
        Tally t = tally != null && tally.shadow.modelId().equals(shadow.modelId())
                && tally.shadow.since().equals(shadow.since()) ? tally : new Tally(shadow, settings.latencySamples(), 0);
        Double rate = t.compared == 0 ? null : (double) t.agreed / t.compared;
        double[] interval = t.compared == 0 ? null : wilson(t.agreed, t.compared);
        Map<String, Map<String, Long>> confusion = new TreeMap<>();
        t.confusion.forEach((a, row) -> confusion.put(a, new TreeMap<>(row)));
        return new Report(shadow.modelId(), shadow.sampleRate(), shadow.since(), t.requests, t.compared, t.agreed,
                rate, interval == null ? null : interval[0], interval == null ? null : interval[1], confusion,
                t.activeLatency.percentiles(), t.shadowLatency.percentiles(), t.dropped, t.failed,
                executor.getQueue().size(), List.copyOf(t.examples), settings.keepShadowTexts(), t.shadowRight,
                t.activeRight);
    }

    /** The 95% Wilson score interval of {@code successes} out of {@code n}: {low, high}. */
    static double[] wilson(long successes, long n) {
        double p = (double) successes / n;
        double z2 = Z95 * Z95;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    /**
     * The shadow report.
     *
     * @param requests sampled requests compared
     * @param compared texts compared
     * @param agreement agreed over compared; null before the first comparison
     * @param agreementLow the 95% Wilson interval's lower end
     * @param confusion active label to shadow label to count
     * @param activeLatency the sampled requests' latency as answered (the active version, queueing included)
     * @param shadowLatency the shadow's classification of the same texts
     * @param dropped samples dropped because the queue was full
     * @param failed samples the shadow version failed on
     * @param examples the most recent disagreements
     * @param textsKept whether examples show texts ({@code sentiment.rollout.keep-shadow-texts})
     * @param correctionsShadowRight corrections (POST /api/v1/feedback) of compared texts the two versions answered
     *     differently, whose label is the shadow's
     * @param correctionsActiveRight the same, whose label is the active version's
     */
    record Report(String modelId, double sampleRate, Instant since, long requests, long compared, long agreed,
                  Double agreement, Double agreementLow, Double agreementHigh,
                  Map<String, Map<String, Long>> confusion, Latency activeLatency, Latency shadowLatency,
                  long dropped, long failed, int queued, List<Disagreement> examples, boolean textsKept,
                  long correctionsShadowRight, long correctionsActiveRight) {

        Report(String modelId, double sampleRate, Instant since, long requests, long compared, long agreed,
               Double agreement, Double agreementLow, Double agreementHigh,
               Map<String, Map<String, Long>> confusion, Latency activeLatency, Latency shadowLatency,
               long dropped, long failed, int queued, List<Disagreement> examples, boolean textsKept) {
            this(modelId, sampleRate, since, requests, compared, agreed, agreement, agreementLow, agreementHigh,
                    confusion, activeLatency, shadowLatency, dropped, failed, queued, examples, textsKept, 0, 0);
        }
    }

    /** Latency percentiles in milliseconds over a reservoir of {@code samples} requests. */
    record Latency(int samples, Double p50, Double p95, Double p99) {
    }

    /** A text on which the versions disagreed; {@code text} is null unless texts are kept. */
    record Disagreement(Instant at, String text, String activeModelId, String activeLabel, double activeConfidence,
                        String shadowLabel, double shadowConfidence) {
    }

    private static final class Tally {
        final RolloutState.Shadow shadow;
        final Map<String, Map<String, Long>> confusion = new TreeMap<>();
        final Deque<Disagreement> examples = new ArrayDeque<>();
        final Reservoir activeLatency;
        final Reservoir shadowLatency;
        // the most recent compared texts' keys and both labels, for corrections to be matched against
        final Map<String, String[]> answered;
        long shadowRight;
        long activeRight;
        long requests;
        long compared;
        long agreed;
        long dropped;
        long failed;

        Tally(RolloutState.Shadow shadow, int samples, int keep) {
            this.shadow = shadow;
            this.answered = new java.util.LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String[]> eldest) {
                    return size() > keep;
                }
            };
            this.activeLatency = new Reservoir(samples);
            this.shadowLatency = new Reservoir(samples);
        }
    }

    /** A uniform sample of a fixed size over every value added (Vitter's algorithm R). */
    static final class Reservoir {
        private final long[] values;
        private long seen;

        Reservoir(int size) {
            values = new long[size];
        }

        void add(long value) {
            if (seen < values.length) {
                values[(int) seen] = value;
            } else {
                long slot = ThreadLocalRandom.current().nextLong(seen + 1);
                if (slot < values.length) {
                    values[(int) slot] = value;
                }
            }
            seen++;
        }

        Latency percentiles() {
            int n = (int) Math.min(seen, values.length);
            if (n == 0) {
                return new Latency(0, null, null, null);
            }
            long[] sorted = Arrays.copyOf(values, n);
            Arrays.sort(sorted);
            return new Latency(n, at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99));
        }

        private static double at(long[] sorted, double q) {
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
        }
    }

    /** For tests: the samples waiting or being compared. */
    int pending() {
        return executor.getQueue().size() + executor.getActiveCount();
    }

    List<Disagreement> examples() {
        synchronized (this) {
            return tally == null ? List.of() : new ArrayList<>(tally.examples);
        }
    }
}
