package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.example.sentiment.TestProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** A worker whose queue cannot be reached keeps claiming with the back-off of {@code sentiment.retry.job-claim}. */
class TrainingWorkerTest {

    private final List<Long> claims = new CopyOnWriteArrayList<>();
    private final TrainingJobQueue queue = mock(TrainingJobQueue.class);

    private TrainingWorker worker() {
        var properties = TestProperties.of(Map.of("sentiment.queue.worker-name", "test-worker",
                "sentiment.retry.job-claim.delay", "100ms", "sentiment.retry.job-claim.max-delay", "400ms"));
        return new TrainingWorker(queue, mock(TrainingJobRunner.class), new SimpleMeterRegistry(), properties,
                new MockEnvironment());
    }

    @Test
    void claimsThatFailAreTriedAgainWithDoublingWaitsUntilOneSucceeds() {
        when(queue.claim(anyString())).thenAnswer(call -> {
            claims.add(System.nanoTime());
            if (claims.size() <= 3) {
                throw JobQueueUnavailableException.because(new IllegalStateException("the database is away"));
            }
            return Optional.empty();
        });
        TrainingWorker worker = worker();
        worker.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> claims.size() >= 5);
        } finally {
            worker.shutdown();
        }
        // 100 ms, then 200, then 400 after the three failures; none after the success that followed
        assertThat(Duration.ofNanos(claims.get(1) - claims.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(Duration.ofNanos(claims.get(2) - claims.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(Duration.ofNanos(claims.get(3) - claims.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void aWorkerThatStopsGivesUpClaimingWithinOneWait() {
        when(queue.claim(anyString())).thenAnswer(call -> {
            claims.add(System.nanoTime());
            throw JobQueueUnavailableException.because(new IllegalStateException("the database is away"));
        });
        TrainingWorker worker = worker();
        worker.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> claims.size() >= 3);
        long before = System.nanoTime();
        worker.shutdown();
        // shutdown waits up to 30 s for the claiming thread: a retry that went on would hold it that long
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
    }
}
