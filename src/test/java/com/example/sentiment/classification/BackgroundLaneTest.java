package com.example.sentiment.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.example.sentiment.TestProperties;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.TextClassifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The background lane of classification jobs: chunks of {@code max-batch-size} texts, answered in order, never
 * merged with interactive requests, and run only when no interactive request waits.
 */
class BackgroundLaneTest {

    private InferenceBatcher batcher;
    /** The texts of every forward pass, in the order they ran. */
    private final List<List<String>> passes = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        batcher.stop();
    }

    private InferenceBatcher batcher(int threads) {
        batcher = new InferenceBatcher(TestProperties.of(Map.of(
                "sentiment.classify.inference-threads", String.valueOf(threads),
                "sentiment.classify.batching.max-batch-size", "4",
                "sentiment.classify.batching.max-wait-micros", "0")), new SimpleMeterRegistry());
        return batcher;
    }

    /** Answers each text with a label naming it, after {@code during} ran for the pass. */
    private TextClassifier classifier(Runnable during) {
        TextClassifier classifier = mock(TextClassifier.class);
        when(classifier.tokenize(anyString())).thenAnswer(i -> List.of((String) i.getArgument(0)));
        when(classifier.classifyTokenized(anyList())).thenAnswer(i -> {
            List<List<String>> texts = i.getArgument(0);
            passes.add(texts.stream().map(t -> t.get(0)).toList());
            during.run();
            return texts.stream().map(t -> new Prediction(t.get(0), 1.0, Map.of(t.get(0), 1.0), 1, false)).toList();
        });
        return classifier;
    }

    private static List<List<String>> texts(String prefix, int n) {
        List<List<String>> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add(List.of(prefix + i));
        }
        return texts;
    }

    @Test
    void anInteractiveRequestRunsBeforeTheBackgroundChunksThatWereWaiting() throws Exception {
        CountDownLatch firstPassStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TextClassifier classifier = classifier(() -> {
            firstPassStarted.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        batcher(1);
        CompletableFuture<List<Prediction>> job = CompletableFuture.supplyAsync(() -> {
            try {
                return batcher.classifyInBackground(classifier, texts("bg", 40));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        firstPassStarted.await(10, TimeUnit.SECONDS);
        CompletableFuture<Prediction> single = CompletableFuture.supplyAsync(
                () -> batcher.classify(classifier, "interactive"));
        // the interactive request is queued while the one worker is in the first background pass
        org.awaitility.Awaitility.await().until(() -> batcher.queuedTexts() == 1);
        release.countDown();

        assertThat(single.get(10, TimeUnit.SECONDS).label()).isEqualTo("interactive");
        List<Prediction> answers = job.get(10, TimeUnit.SECONDS);
        assertThat(answers.stream().map(Prediction::label).toList())
                .isEqualTo(texts("bg", 40).stream().map(t -> t.get(0)).toList());
        assertThat(passes).hasSize(11);
        assertThat(passes.get(1)).as("the pass after the running one").containsExactly("interactive");
        assertThat(passes).allMatch(p -> p.size() <= 4);
    }

    @Test
    void whenNoInteractiveRequestCameLatelyEveryWorkerMayRunBackgroundChunks() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch both = new CountDownLatch(2);
        TextClassifier classifier = classifier(() -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            both.countDown();
            try {
                both.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inside.decrementAndGet();
        });
        batcher(2);
        assertThat(batcher.classifyInBackground(classifier, texts("bg", 16))).hasSize(16);
        assertThat(most.get()).as("passes at once").isEqualTo(2);
    }

    @Test
    void rightAfterAnInteractiveRequestBackgroundChunksLeaveAWorkerFree() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        TextClassifier classifier = classifier(() -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5); // a pass's time, so two could overlap
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            inside.decrementAndGet();
        });
        batcher(2);
        batcher.classify(classifier, "interactive");
        assertThat(batcher.classifyInBackground(classifier, texts("bg", 12))).hasSize(12);
        assertThat(most.get()).as("background passes at once within 250 ms of an interactive request").isEqualTo(1);
    }
}
