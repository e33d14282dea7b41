package com.example.sentiment.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.example.sentiment.TestCorpus;
import com.example.sentiment.TestProperties;
import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.system.ProblemException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** Dynamic batching: concurrent requests are merged without changing any answer, and a full queue says so. */
class InferenceBatcherTest {

    static TextClassifier classifier;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private InferenceBatcher batcher;

    @BeforeAll
    static void train() {
        classifier = TinyModel.train(200, 3).withReplicas(2);
    }

    @AfterEach
    void stop() {
        if (batcher != null) {
            batcher.stop();
        }
    }

    private InferenceBatcher batcher(int threads, int maxBatch, int waitMicros, int capacity) {
        return batcher(threads, maxBatch, waitMicros, capacity, Map.of());
    }

    private InferenceBatcher batcher(int threads, int maxBatch, int waitMicros, int capacity,
                                     Map<String, String> more) {
        Map<String, String> settings = new java.util.HashMap<>(more);
        settings.putAll(Map.of(
                "sentiment.classify.inference-threads", String.valueOf(threads),
                "sentiment.classify.batching.max-batch-size", String.valueOf(maxBatch),
                "sentiment.classify.batching.max-wait-micros", String.valueOf(waitMicros),
                "sentiment.classify.batching.queue-capacity", String.valueOf(capacity)));
        batcher = new InferenceBatcher(TestProperties.of(settings), meters);
        return batcher;
    }

    private static final Prediction ANSWER = new Prediction("positive", 0.9, Map.of("negative", 0.1, "positive", 0.9),
            2, false);

    /** A classifier double that answers {@link #ANSWER} to every text once {@code before} has run. */
    private static TextClassifier answering(java.util.concurrent.Callable<Void> before) {
        TextClassifier classifier = mock(TextClassifier.class);
        when(classifier.tokenize(anyString())).thenAnswer(invocation -> List.of((String) invocation.getArgument(0)));
        when(classifier.classifyTokenized(anyList())).thenAnswer(invocation -> {
            before.call();
            List<List<String>> batch = invocation.getArgument(0);
            return batch.stream().map(t -> ANSWER).toList();
        });
        return classifier;
    }

    /** The 503 problem a call ended with (bounded in time: a call that hangs fails the test). */
    private static ProblemException failureOf(Future<?> call) {
        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> call.get(20, TimeUnit.SECONDS));
        assertThat(e).as("the call fails instead of hanging or answering").isNotNull();
        assertThat(e.getCause()).isInstanceOf(ProblemException.class);
        ProblemException problem = (ProblemException) e.getCause();
        assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        return problem;
    }

    @Test
    void anErrorInAForwardPassFailsItsCallersWith503AndTheWorkersCarryOn() throws Exception {
        // two OutOfMemoryErrors per worker: before, each killed its worker and every later call hung
        AtomicInteger errors = new AtomicInteger(4);
        TextClassifier failing = answering(() -> {
            if (errors.getAndDecrement() > 0) {
                throw new OutOfMemoryError("Java heap space (a test double)");
            }
            return null;
        });
        InferenceBatcher workers = batcher(2, 1, 0, 16);
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 4; i++) {
                String text = "text " + i;
                ProblemException problem = failureOf(clients.submit(() -> workers.classify(failing, text)));
                assertThat(problem.type().toString()).endsWith("/inference-failed");
            }
            for (int i = 0; i < 20; i++) {
                assertThat(clients.submit(() -> workers.classify(failing, "after")).get(20, TimeUnit.SECONDS))
                        .isSameAs(ANSWER);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void aCallerWaitsNoLongerThanTheRequestTimeoutThen503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stuck = new CountDownLatch(1);
        TextClassifier hanging = answering(() -> {
            stuck.countDown();
            release.await();
            return null;
        });
        InferenceBatcher workers = batcher(1, 1, 0, 16, Map.of("sentiment.classify.request-timeout", "1s"));
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            long start = System.nanoTime();
            Future<Prediction> running = clients.submit(() -> workers.classify(hanging, "stuck"));
            assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
            Future<Prediction> queued = clients.submit(() -> workers.classify(hanging, "behind it"));
            ProblemException problem = failureOf(running);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(problem.type().toString()).endsWith("/inference-timeout");
            assertThat(problem.getMessage()).contains("1 s");
            failureOf(queued);
            // a queued call that gave up leaves the queue: it is not counted, and never runs
            assertThat(meters.get("sentiment.inference.queue").gauge().value()).isZero();

            release.countDown();
            assertThat(clients.submit(() -> workers.classify(hanging, "later")).get(20, TimeUnit.SECONDS)).isSameAs(ANSWER);
        } finally {
            release.countDown();
            clients.shutdownNow();
        }
    }

    private static void assertSameScores(Prediction actual, Prediction expected) {
        assertThat(actual.label()).isEqualTo(expected.label());
        expected.scores().forEach((label, score) ->
                assertThat(actual.scores().get(label)).as(label).isCloseTo(score, within(1e-6)));
    }

    @Test
    void concurrentRequestsAreMergedAndGetTheAnswersTheyGetAlone() throws Exception {
        List<String> texts = TestCorpus.examples(96, 21).stream().map(TestCorpus.Example::text).toList();
        List<Prediction> alone = texts.stream().map(classifier::classify).toList();
        List<Prediction> oneBatch = classifier.classify(texts);

        InferenceBatcher batching = batcher(2, 16, 2_000, 256);
        ExecutorService clients = Executors.newFixedThreadPool(32);
        try {
            List<Future<Prediction>> concurrent = new ArrayList<>();
            for (String text : texts) {
                concurrent.add(clients.submit(() -> batching.classify(classifier, text)));
            }
            for (int i = 0; i < texts.size(); i++) {
                assertSameScores(concurrent.get(i).get(30, TimeUnit.SECONDS), alone.get(i));
                assertSameScores(oneBatch.get(i), alone.get(i));
            }
        } finally {
            clients.shutdownNow();
        }
        DistributionSummary sizes = meters.get("sentiment.inference.batch.size").summary();
        assertThat(sizes.totalAmount()).isEqualTo(texts.size());
        assertThat(sizes.max()).as("largest merged batch").isGreaterThan(1).isLessThanOrEqualTo(16);

        // a batch call runs on the same workers, as one forward call, in its own order
        List<Prediction> batchCall = batching.classifyAll(classifier, texts);
        for (int i = 0; i < texts.size(); i++) {
            assertSameScores(batchCall.get(i), alone.get(i));
        }
        assertThat(sizes.max()).isEqualTo(texts.size());
    }

    @Test
    void aFullQueueIsRefusedAtOnceAndTheWaitingRequestsStillComplete() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        TextClassifier slow = mock(TextClassifier.class);
        Prediction answer = new Prediction("positive", 0.9, Map.of("negative", 0.1, "positive", 0.9), 2, false);
        // the batcher tokenises on the caller's thread and runs the tokens on its workers
        when(slow.tokenize(anyString())).thenAnswer(invocation -> List.of((String) invocation.getArgument(0)));
        when(slow.classifyTokenized(anyList())).thenAnswer(invocation -> {
            busy.countDown();
            release.await();
            List<List<String>> batch = invocation.getArgument(0);
            return batch.stream().map(t -> answer).toList();
        });
        InferenceBatcher tight = batcher(1, 1, 0, 2);
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try {
            Future<Prediction> running = clients.submit(() -> tight.classify(slow, "first"));
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
            Future<Prediction> queued1 = clients.submit(() -> tight.classify(slow, "second"));
            Future<Prediction> queued2 = clients.submit(() -> tight.classify(slow, "third"));
            await().atMost(Duration.ofSeconds(10)).until(() -> meters.get("sentiment.inference.queue").gauge().value() == 2);

            assertThatThrownBy(() -> tight.classify(slow, "one too many")).isInstanceOf(ServiceBusyException.class)
                    .hasMessageContaining("at capacity");

            release.countDown();
            for (Future<Prediction> f : List.of(running, queued1, queued2)) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(answer);
            }
        } finally {
            release.countDown();
            clients.shutdownNow();
        }
    }
}
