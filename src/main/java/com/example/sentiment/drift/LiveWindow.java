package com.example.sentiment.drift;

import com.example.sentiment.ml.Prediction;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The live traffic of one version over a sliding window, as counts per bin of every {@link Signal}: a ring of
 * time buckets, each a set of {@link LongAdder}s. Recording a prediction is a few increments without a lock;
 * only the first recording in a new bucket takes the bucket's lock to clear what it counted a whole window
 * ago. A prediction counted while another thread clears its bucket may be lost, which a drift estimate can
 * afford. Memory is fixed: buckets x bins counters, whatever the traffic.
 */
final class LiveWindow {

    private final List<String> labels;
    private final Map<String, Integer> labelIndex;
    private final long bucketMillis;
    private final LongSupplier clock;
    private final Bucket[] buckets;

    /** One slice of the window: the counts of the predictions recorded in its time span. */
    private static final class Bucket {
        // the number of the time span (now / bucketMillis) this bucket counts; MIN_VALUE for never used
        volatile long span = Long.MIN_VALUE;
        final Map<Signal, LongAdder[]> counts = new EnumMap<>(Signal.class);
    }

    /**
     * @param window how far back the counts reach
     * @param bucketCount how many slices the window has (it slides by {@code window / bucketCount})
     * @param clock the time in milliseconds
     */
    LiveWindow(List<String> labels, java.time.Duration window, int bucketCount, LongSupplier clock) {
        this.labels = List.copyOf(labels);
        this.labelIndex = Profile.labelIndex(labels);
        this.bucketMillis = Math.max(1, window.toMillis() / bucketCount);
        this.clock = clock;
        this.buckets = new Bucket[bucketCount];
        for (int b = 0; b < bucketCount; b++) {
            Bucket bucket = new Bucket();
            for (Signal signal : Signal.values()) {
                LongAdder[] adders = new LongAdder[signal.bins(labels).size()];
                for (int i = 0; i < adders.length; i++) {
                    adders[i] = new LongAdder();
                }
                bucket.counts.put(signal, adders);
            }
            buckets[b] = bucket;
        }
    }

    List<String> labels() {
        return labels;
    }

    void record(List<Prediction> predictions) {
        Bucket bucket = current();
        for (Prediction p : predictions) {
            for (Signal signal : Signal.values()) {
                int bin = signal.bin(p, labelIndex);
                if (bin >= 0) {
                    bucket.counts.get(signal)[bin].increment();
                }
            }
        }
    }

    /** The counts of the buckets within the window now. */
    Profile snapshot() {
        long now = clock.getAsLong() / bucketMillis;
        Map<Signal, long[]> counts = new EnumMap<>(Signal.class);
        for (Signal signal : Signal.values()) {
            counts.put(signal, new long[signal.bins(labels).size()]);
        }
        for (Bucket bucket : buckets) {
            long span = bucket.span;
            if (span > now - buckets.length && span <= now) {
                for (Signal signal : Signal.values()) {
                    LongAdder[] adders = bucket.counts.get(signal);
                    long[] sum = counts.get(signal);
                    for (int i = 0; i < adders.length; i++) {
                        sum[i] += adders[i].sum();
                    }
                }
            }
        }
        return new Profile(labels, counts);
    }

    /** The bucket of the time span now, cleared first if it last counted an older span. */
    private Bucket current() {
        long span = clock.getAsLong() / bucketMillis;
        Bucket bucket = buckets[(int) Math.floorMod(span, (long) buckets.length)];
        if (bucket.span != span) {
            synchronized (bucket) {
                if (bucket.span != span) {
                    for (LongAdder[] adders : bucket.counts.values()) {
                        for (LongAdder adder : adders) {
                            adder.reset();
                        }
                    }
                    bucket.span = span;
                }
            }
        }
        return bucket;
    }
}
