package com.example.sentiment.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.ml.Prediction;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The live window's bins and its sliding by time buckets. */
class LiveWindowTest {

    private static final List<String> LABELS = List.of("negative", "positive");
    private static final long MINUTE = 60_000;

    private final AtomicLong now = new AtomicLong(1_000 * MINUTE);
    private final LiveWindow window = new LiveWindow(LABELS, Duration.ofHours(1), 6, now::get);

    private static Prediction prediction(String label, double confidence, int tokens, int unknown) {
        return new Prediction(label, confidence, Map.of(), tokens, false, unknown, 1);
    }

    @Test
    void eachPredictionLandsInOneBinOfEverySignal() {
        window.record(List.of(prediction("positive", 0.97, 10, 3)));
        Profile p = window.snapshot();

        // 10 tokens: "9-11"; 3 of 10 unknown: "0.2-0.35"; 0.97: "0.95-0.99"
        assertThat(p.histogram(Signal.LENGTH).counts()).containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(p.histogram(Signal.UNKNOWN_SHARE).counts()).containsExactly(0, 0, 0, 1, 0, 0);
        assertThat(p.histogram(Signal.LABEL).counts()).containsExactly(0, 1);
        assertThat(p.histogram(Signal.LABEL).bins()).isEqualTo(LABELS);
        assertThat(p.histogram(Signal.CONFIDENCE).counts()).containsExactly(0, 0, 0, 0, 0, 0, 1, 0);
    }

    @Test
    void binEdgesAreWhereTheirNamesSay() {
        window.record(List.of(prediction("negative", 0.5, 2, 0), prediction("negative", 0.99, 3, 0),
                prediction("negative", 0.4999, 129, 0), prediction("negative", 1.0, 128, 128)));
        Profile p = window.snapshot();

        assertThat(p.histogram(Signal.LENGTH).counts()).containsExactly(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1);
        // no unknown word is its own bin; all unknown is the last
        assertThat(p.histogram(Signal.UNKNOWN_SHARE).counts()).containsExactly(3, 0, 0, 0, 0, 1);
        // [0.5, 0.6) and [0.99, 1]
        assertThat(p.histogram(Signal.CONFIDENCE).counts()).containsExactly(1, 1, 0, 0, 0, 0, 0, 2);
    }

    @Test
    void uncountedUnknownWordsAndUnknownLabelsAreLeftOutOfTheirSignalOnly() {
        window.record(List.of(prediction("neutral", 0.7, 5, -1)));
        Profile p = window.snapshot();

        assertThat(p.histogram(Signal.UNKNOWN_SHARE).total()).isZero();
        assertThat(p.histogram(Signal.LABEL).total()).isZero();
        assertThat(p.histogram(Signal.LENGTH).total()).isEqualTo(1);
        assertThat(p.histogram(Signal.CONFIDENCE).total()).isEqualTo(1);
    }

    @Test
    void countsOlderThanTheWindowAreDroppedABucketAtATime() {
        window.record(Collections.nCopies(3, prediction("positive", 0.9, 5, 0)));
        now.addAndGet(25 * MINUTE);
        window.record(Collections.nCopies(2, prediction("negative", 0.9, 5, 0)));
        assertThat(window.snapshot().histogram(Signal.LABEL).counts()).containsExactly(2, 3);

        // 65 minutes after the first: its 10-minute bucket left the hour
        now.addAndGet(40 * MINUTE);
        assertThat(window.snapshot().histogram(Signal.LABEL).counts()).containsExactly(2, 0);

        // a recording in a bucket the ring reuses starts it from zero
        window.record(List.of(prediction("positive", 0.9, 5, 0)));
        assertThat(window.snapshot().histogram(Signal.LABEL).counts()).containsExactly(2, 1);

        now.addAndGet(2 * 60 * MINUTE);
        assertThat(window.snapshot().histogram(Signal.CONFIDENCE).total()).isZero();
    }

    @Test
    void concurrentRecordingsAreAllCounted() throws InterruptedException {
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    window.record(List.of(prediction("positive", 0.8, 4, 1)));
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(window.snapshot().histogram(Signal.LABEL).counts()).containsExactly(0, 4000);
    }
}
