package com.example.sentiment.rollout;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * What this replica saw of each version's requests while a canary runs: a sliding window of outcomes (latency,
 * error, texts answered, abstentions) and of feedback corrections, per version, from which the canary's guards
 * are judged against the active version. Bounded: entries older than {@link #MAX_AGE_MILLIS} or beyond
 * {@link #MAX_ENTRIES} per version are dropped.
 */
@Component
class CanaryWindows {

    static final long MAX_AGE_MILLIS = 3_600_000;
    static final int MAX_ENTRIES = 50_000;

    private record Outcome(long atMillis, long nanos, boolean error, int texts, int abstained) {
    }

    private final Map<String, Deque<Outcome>> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> corrections = new ConcurrentHashMap<>();

    /** One request's outcome on {@code modelId}. */
    void record(String modelId, long atMillis, long nanos, boolean error, int texts, int abstained) {
        if (modelId == null) {
            return;
        }
        Deque<Outcome> d = outcomes.computeIfAbsent(modelId, k -> new ArrayDeque<>());
        synchronized (d) {
            d.addLast(new Outcome(atMillis, nanos, error, texts, abstained));
            while (d.size() > MAX_ENTRIES || d.peekFirst().atMillis() < atMillis - MAX_AGE_MILLIS) {
                d.removeFirst();
            }
        }
    }

    /** A feedback correction of one of {@code modelId}'s answers. */
    void corrected(String modelId, long atMillis) {
        if (modelId == null) {
            return;
        }
        Deque<Long> d = corrections.computeIfAbsent(modelId, k -> new ArrayDeque<>());
        synchronized (d) {
            d.addLast(atMillis);
            while (d.size() > MAX_ENTRIES || d.peekFirst() < atMillis - MAX_AGE_MILLIS) {
                d.removeFirst();
            }
        }
    }

    void clear() {
        outcomes.clear();
        corrections.clear();
    }

    /**
     * One version's figures over a window.
     *
     * @param requests requests answered or failed
     * @param errorRate failed requests over requests
     * @param p99Millis 99th percentile of the requests' latency; null without requests
     * @param abstentionRate abstentions over texts answered
     * @param correctionRate corrections over texts answered
     */
    record Figures(int requests, double errorRate, Double p99Millis, double abstentionRate, double correctionRate) {
    }

    /** {@code modelId}'s figures over the window that ends at {@code nowMillis} and starts no earlier than {@code fromMillis}. */
    Figures figures(String modelId, long fromMillis, long nowMillis) {
        int requests = 0;
        int errors = 0;
        long texts = 0;
        long abstained = 0;
        long[] latencies;
        Deque<Outcome> d = modelId == null ? null : outcomes.get(modelId);
        if (d == null) {
            latencies = new long[0];
        } else {
            synchronized (d) {
                latencies = new long[d.size()];
                for (Outcome o : d) {
                    if (o.atMillis() >= fromMillis && o.atMillis() <= nowMillis) {
                        latencies[requests++] = o.nanos();
                        errors += o.error() ? 1 : 0;
                        texts += o.error() ? 0 : o.texts();
                        abstained += o.abstained();
                    }
                }
            }
        }
        int corrected = 0;
        Deque<Long> c = modelId == null ? null : corrections.get(modelId);
        if (c != null) {
            synchronized (c) {
                for (long at : c) {
                    corrected += at >= fromMillis && at <= nowMillis ? 1 : 0;
                }
            }
        }
        Double p99 = null;
        if (requests > 0) {
            long[] own = Arrays.copyOf(latencies, requests);
            Arrays.sort(own);
            p99 = own[Math.min(requests - 1, (int) Math.ceil(0.99 * requests) - 1)] / 1e6;
        }
        return new Figures(requests, requests == 0 ? 0 : (double) errors / requests, p99,
                texts == 0 ? 0 : (double) abstained / texts, texts == 0 ? 0 : Math.min(1, (double) corrected / texts));
    }

    /**
     * The first guard of {@code canary} that its window breaches against the active version's, in words; empty
     * while the canary has fewer than its minimum sample in the window, or no guard is breached. The latency
     * guard also waits for the minimum sample of the active version.
     */
    Optional<String> breach(RolloutState.Canary canary, String activeId, long nowMillis) {
        RolloutState.Guards g = canary.guards();
        long from = Math.max(canary.since().toEpochMilli(), nowMillis - g.windowSeconds() * 1000L);
        Figures c = figures(canary.modelId(), from, nowMillis);
        if (c.requests() < g.minSample()) {
            return Optional.empty();
        }
        Figures a = figures(activeId, from, nowMillis);
        if (g.maxErrorRateIncrease() != null && c.errorRate() > a.errorRate() + g.maxErrorRateIncrease()) {
            return Optional.of(format("error rate %.3f over %d requests > active %.3f + %.3f", c.errorRate(),
                    c.requests(), a.errorRate(), g.maxErrorRateIncrease()));
        }
        if (g.maxP99LatencyRatio() != null && a.requests() >= g.minSample() && c.p99Millis() != null
                && a.p99Millis() != null && c.p99Millis() > a.p99Millis() * g.maxP99LatencyRatio()) {
            return Optional.of(format("p99 latency %.1f ms over %d requests > %.2f x active %.1f ms", c.p99Millis(),
                    c.requests(), g.maxP99LatencyRatio(), a.p99Millis()));
        }
        if (g.maxAbstentionRateIncrease() != null
                && c.abstentionRate() > a.abstentionRate() + g.maxAbstentionRateIncrease()) {
            return Optional.of(format("abstention rate %.3f > active %.3f + %.3f", c.abstentionRate(),
                    a.abstentionRate(), g.maxAbstentionRateIncrease()));
        }
        if (g.maxCorrectionRateIncrease() != null
                && c.correctionRate() > a.correctionRate() + g.maxCorrectionRateIncrease()) {
            return Optional.of(format("correction rate %.3f > active %.3f + %.3f", c.correctionRate(),
                    a.correctionRate(), g.maxCorrectionRateIncrease()));
        }
        return Optional.empty();
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
