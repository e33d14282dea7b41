package com.example.sentiment.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.example.sentiment.TestProperties;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.system.ProblemException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.HttpStatus;

/** The {@code inferenceWorkers} liveness check: DOWN when the inference workers cannot be restored. */
class InferenceWorkersHealthTest {

    private static final Prediction ANSWER = new Prediction("positive", 0.9, Map.of("negative", 0.1, "positive", 0.9),
            2, false);

    private InferenceBatcher batcher;

    @AfterEach
    void stop() {
        if (batcher != null) {
            batcher.stop();
        }
    }

    /** Fails its first {@code errors} forward passes with an OutOfMemoryError, then answers. */
    private static TextClassifier failing(int errors) {
        AtomicInteger left = new AtomicInteger(errors);
        TextClassifier classifier = mock(TextClassifier.class);
        when(classifier.tokenize(anyString())).thenAnswer(invocation -> List.of((String) invocation.getArgument(0)));
        when(classifier.classifyTokenized(anyList())).thenAnswer(invocation -> {
            if (left.getAndDecrement() > 0) {
                throw new OutOfMemoryError("Java heap space (a test double)");
            }
            List<List<String>> batch = invocation.getArgument(0);
            return batch.stream().map(t -> ANSWER).toList();
        });
        return classifier;
    }

    private InferenceBatcher batcher(ThreadFactory threads) {
        batcher = new InferenceBatcher(TestProperties.of(Map.of("sentiment.classify.inference-threads", "2",
                "sentiment.classify.batching.max-wait-micros", "0")), new SimpleMeterRegistry(), threads);
        return batcher;
    }

    private static void assertFailsWith503(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
    }

    @Test
    void workersLostToErrorsAreReplacedAndLivenessStaysUp() {
        InferenceBatcher workers = batcher(Thread::new);
        InferenceWorkersHealthIndicator health = new InferenceWorkersHealthIndicator(workers);
        TextClassifier classifier = failing(4);
        for (int i = 0; i < 4; i++) {
            assertFailsWith503(() -> workers.classify(classifier, "fails"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
        assertThat(health.health().getDetails()).containsEntry("workers", 2).containsEntry("wanted", 2);
        assertThat(workers.classify(classifier, "works")).isSameAs(ANSWER);
    }

    @Test
    void livenessIsDownWhileLostWorkersCannotBeStartedAgain() {
        AtomicBoolean outOfThreads = new AtomicBoolean();
        InferenceBatcher workers = batcher(task -> {
            if (outOfThreads.get()) {
                throw new OutOfMemoryError("unable to create native thread (a test double)");
            }
            return new Thread(task);
        });
        InferenceWorkersHealthIndicator health = new InferenceWorkersHealthIndicator(workers);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

        outOfThreads.set(true);
        TextClassifier classifier = failing(2);
        for (int i = 0; i < 2; i++) {
            assertFailsWith503(() -> workers.classify(classifier, "fails"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.DOWN));
        // with no worker left a call is refused at once instead of waiting for its deadline
        assertFailsWith503(() -> workers.classify(classifier, "refused"));

        // threads can be started again: the next check restores the pool
        outOfThreads.set(false);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(workers.classify(classifier, "works")).isSameAs(ANSWER);
    }
}
