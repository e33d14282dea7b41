package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.TestProperties;
import com.example.sentiment.dataset.DatasetReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TrainingJobQueue} adapter must do: queue, claim, record progress, cancel and finish a job;
 * hand a job whose lease ran out to another worker and keep the old one from writing; fail a job after the
 * maximum attempts; never give one job to two workers. An adapter's test extends this class and says how to
 * open a queue ({@link #queue}) over empty storage.
 */
abstract class TrainingJobQueueContract {

    /** A lease long enough never to run out during a test that does not wait for it. */
    static final Duration LONG_LEASE = Duration.ofMinutes(5);
    static final Duration SHORT_LEASE = Duration.ofMillis(1000);

    static final TrainingConfig.ResolvedTrainingConfig CONFIG = TrainingConfig.EMPTY.resolve(
            TestProperties.of(Map.of()).training().defaults(), false);

    /** A queue over empty storage (or, once a test has opened one, over the same storage). */
    protected abstract TrainingJobQueue queue(Duration lease, int maxAttempts, int queueCapacity);

    /** Whether {@link TrainingJobQueue#succeed} has the model activated in this process (true) or by the queue. */
    protected abstract boolean activatesInProcess();

    private final AtomicInteger created = new AtomicInteger();

    /** A new job; each one a millisecond younger than the one before, so that "oldest first" is well defined. */
    protected TrainingJobQueue.NewJob newJob(String csv) {
        Instant at = Instant.parse("2026-12-02T10:00:00Z").plusMillis(created.incrementAndGet());
        TrainingJobView view = TrainingJobView.queued(UUID.randomUUID().toString(), CONFIG, null, at);
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        return new TrainingJobQueue.NewJob(view, CONFIG, null,
                new DatasetReader.Upload("train.csv", bytes.length, () -> new ByteArrayInputStream(bytes)), null);
    }

    protected TrainingJobQueue.NewJob newJob() {
        return newJob("text,label\ngood,pos\nbad,neg\n");
    }

    /** The job as a worker reports it after some progress. */
    static TrainingJobView progressed(TrainingJobQueue.JobLease lease, int epoch) {
        TrainingJobView v = lease.view();
        return new TrainingJobView(v.id(), v.name(), TrainingJobState.RUNNING, v.createdAt(), v.startedAt(), null,
                v.worker(), v.attempts(), new TrainingJobView.Progress(epoch, 5, 3, 10, 40.0, 12L, 100.0, 900.0, null, null, null),
                v.metrics(), v.history(), v.dataset(), v.hyperParameters(), v.activate(), null, null, null, null,
                null);
    }

    static TrainingJobView ended(TrainingJobQueue.JobLease lease, TrainingJobState state, String error, String modelId) {
        return progressed(lease, 5).withQueueState(state, lease.view().startedAt(), Instant.now(), lease.worker(),
                lease.attempt(), error, modelId);
    }

    @Test
    void aJobIsQueuedClaimedByOneWorkerReportsProgressAndFails() {
        TrainingJobQueue queue = queue(LONG_LEASE, 3, 10);
        TrainingJobView submitted = queue.submit(newJob());
        assertThat(submitted.state()).isEqualTo(TrainingJobState.QUEUED);
        TrainingJobView stored = queue.find(submitted.id()).orElseThrow();
        assertThat(stored.state()).isEqualTo(TrainingJobState.QUEUED);
        assertThat(stored.worker()).isNull();
        assertThat(stored.attempts()).isZero();
        assertThat(queue.counts()).containsEntry(TrainingJobState.QUEUED, 1L);

        TrainingJobQueue.JobLease lease = queue.claim("http://worker-1:8080").orElseThrow();
        assertThat(lease.jobId()).isEqualTo(submitted.id());
        assertThat(lease.attempt()).isEqualTo(1);
        assertThat(lease.config()).isEqualTo(CONFIG);
        assertThat(queue.claim("http://worker-2:8080")).as("one job, already claimed").isEmpty();
        TrainingJobView running = queue.find(submitted.id()).orElseThrow();
        assertThat(running.state()).isEqualTo(TrainingJobState.RUNNING);
        assertThat(running.worker()).isEqualTo("http://worker-1:8080");
        assertThat(running.attempts()).isEqualTo(1);
        assertThat(running.startedAt()).isNotNull();
        assertThat(queue.oldest(TrainingJobState.RUNNING)).map(TrainingJobView::id).contains(submitted.id());
        assertThat(queue.holds(lease)).isTrue();

        TrainingJobQueue.Heartbeat beat = queue.heartbeat(lease, progressed(lease, 2));
        assertThat(beat).isEqualTo(new TrainingJobQueue.Heartbeat(true, false));
        TrainingJobView progress = queue.find(submitted.id()).orElseThrow();
        assertThat(progress.progress().epoch()).isEqualTo(2);
        assertThat(progress.state()).isEqualTo(TrainingJobState.RUNNING);
        assertThat(progress.worker()).isEqualTo("http://worker-1:8080");

        assertThat(queue.finish(lease, ended(lease, TrainingJobState.FAILED, "training failed: boom", null))).isTrue();
        TrainingJobView failed = queue.find(submitted.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(TrainingJobState.FAILED);
        assertThat(failed.error()).isEqualTo("training failed: boom");
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(failed.worker()).isEqualTo("http://worker-1:8080");
        assertThat(failed.progress().epoch()).isEqualTo(5);
        assertThat(queue.heartbeat(lease, progressed(lease, 3)).held()).as("a finished job holds no lease").isFalse();
        assertThat(queue.finish(lease, ended(lease, TrainingJobState.CANCELLED, null, null))).isFalse();
        assertThat(queue.find(submitted.id()).orElseThrow().state()).isEqualTo(TrainingJobState.FAILED);
    }

    @Test
    void aSucceedingJobPublishesItsModelOnce() throws Exception {
        TrainingJobQueue queue = queue(LONG_LEASE, 3, 10);
        String id = queue.submit(newJob()).id();
        TrainingJobQueue.JobLease lease = queue.claim("w1").orElseThrow();
        List<Boolean> stored = Collections.synchronizedList(new ArrayList<>());
        Optional<String> published = queue.succeed(lease, true, activate -> {
            stored.add(activate);
            return "20261202-100000-abcd";
        }, modelId -> ended(lease, TrainingJobState.SUCCEEDED, null, modelId));
        assertThat(published).contains("20261202-100000-abcd");
        assertThat(stored).as("stored once; activated in this process or by the queue").containsExactly(activatesInProcess());
        TrainingJobView done = queue.find(id).orElseThrow();
        assertThat(done.state()).isEqualTo(TrainingJobState.SUCCEEDED);
        assertThat(done.modelId()).isEqualTo("20261202-100000-abcd");
        assertThat(done.error()).isNull();
        assertThat(queue.claim("w2")).isEmpty();
    }

    @Test
    void jobsAreListedNewestFirstAndClaimedOldestFirst() {
        TrainingJobQueue queue = queue(LONG_LEASE, 3, 10);
        String first = queue.submit(newJob()).id();
        String second = queue.submit(newJob()).id();
        String third = queue.submit(newJob()).id();
        assertThat(queue.list()).extracting(TrainingJobView::id).containsExactly(third, second, first);
        assertThat(queue.oldest(TrainingJobState.QUEUED)).map(TrainingJobView::id).contains(first);
        assertThat(queue.claim("w").orElseThrow().jobId()).isEqualTo(first);
        assertThat(queue.claim("w").orElseThrow().jobId()).isEqualTo(second);
        assertThat(queue.counts()).containsEntry(TrainingJobState.RUNNING, 2L).containsEntry(TrainingJobState.QUEUED, 1L);
        assertThat(queue.find("no-such-job")).isEmpty();
        assertThat(queue.find(null)).isEmpty();
    }

    @Test
    void aQueuedJobIsCancelledAtOnceAndARunningOneAtItsNextHeartbeat() {
        TrainingJobQueue queue = queue(LONG_LEASE, 3, 10);
        String running = queue.submit(newJob()).id();
        String waiting = queue.submit(newJob()).id();
        TrainingJobQueue.JobLease lease = queue.claim("w1").orElseThrow();
        assertThat(lease.jobId()).isEqualTo(running);

        TrainingJobView cancelled = queue.cancel(waiting).orElseThrow();
        assertThat(cancelled.state()).isEqualTo(TrainingJobState.CANCELLED);
        assertThat(cancelled.finishedAt()).isNotNull();
        assertThat(queue.claim("w2")).as("a cancelled job is never claimed").isEmpty();

        assertThat(queue.cancel(running).orElseThrow().state()).as("its worker stops it").isEqualTo(TrainingJobState.RUNNING);
        assertThat(queue.heartbeat(lease, progressed(lease, 1))).isEqualTo(new TrainingJobQueue.Heartbeat(true, true));
        assertThat(queue.finish(lease, ended(lease, TrainingJobState.CANCELLED, null, null))).isTrue();
        assertThat(queue.find(running).orElseThrow().state()).isEqualTo(TrainingJobState.CANCELLED);

        assertThat(queue.cancel(running).orElseThrow().state()).as("a finished job stays as it is")
                .isEqualTo(TrainingJobState.CANCELLED);
        assertThat(queue.cancel("no-such-job")).isEmpty();
    }

    @Test
    void aLeaseThatRunsOutGoesToAnotherWorkerAndTheFirstCanNoLongerWrite() throws Exception {
        TrainingJobQueue queue = queue(SHORT_LEASE, 3, 10);
        String id = queue.submit(newJob()).id();
        TrainingJobQueue.JobLease first = queue.claim("http://a:8080").orElseThrow();
        assertThat(queue.claim("http://b:8080")).as("the lease still holds").isEmpty();

        // worker a stops renewing (it hangs, or died)
        TrainingJobQueue.JobLease second = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> queue.claim("http://b:8080"), Optional::isPresent).orElseThrow();
        assertThat(second.jobId()).isEqualTo(id);
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.token()).isNotEqualTo(first.token());
        TrainingJobView taken = queue.find(id).orElseThrow();
        assertThat(taken.worker()).isEqualTo("http://b:8080");
        assertThat(taken.attempts()).isEqualTo(2);

        assertThat(queue.holds(first)).isFalse();
        assertThat(queue.heartbeat(first, progressed(first, 4))).isEqualTo(TrainingJobQueue.Heartbeat.LOST);
        assertThat(queue.finish(first, ended(first, TrainingJobState.FAILED, "late", null))).isFalse();
        List<Boolean> stored = new ArrayList<>();
        assertThat(queue.succeed(first, true, activate -> {
            stored.add(activate);
            return "m-first";
        }, modelId -> ended(first, TrainingJobState.SUCCEEDED, null, modelId))).isEmpty();
        assertThat(stored).as("a worker that lost its lease stores no version").isEmpty();
        TrainingJobView untouched = queue.find(id).orElseThrow();
        assertThat(untouched.state()).isEqualTo(TrainingJobState.RUNNING);
        assertThat(untouched.worker()).isEqualTo("http://b:8080");
        assertThat(untouched.progress().epoch()).as("the old worker's progress is not recorded").isZero();

        assertThat(queue.heartbeat(second, progressed(second, 1)).held()).isTrue();
        assertThat(queue.succeed(second, true, activate -> "m-second",
                modelId -> ended(second, TrainingJobState.SUCCEEDED, null, modelId))).contains("m-second");
        assertThat(queue.find(id).orElseThrow().modelId()).isEqualTo("m-second");
    }

    @Test
    void aJobWhoseWorkersKeepLosingItFailsAfterTheMaximumAttempts() {
        TrainingJobQueue queue = queue(SHORT_LEASE, 2, 10);
        String id = queue.submit(newJob()).id();
        queue.claim("http://a:8080").orElseThrow();
        TrainingJobQueue.JobLease second = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> queue.claim("http://b:8080"), Optional::isPresent).orElseThrow();
        assertThat(second.attempt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(queue.claim("http://c:8080")).as("no third attempt").isEmpty();
            return queue.find(id).orElseThrow().state() == TrainingJobState.FAILED;
        });
        TrainingJobView failed = queue.find(id).orElseThrow();
        assertThat(failed.error()).contains("2 attempt").contains("http://b:8080");
        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(queue.finish(second, ended(second, TrainingJobState.FAILED, "late", null))).isFalse();
    }

    @Test
    void aJobCancelledWhileItsWorkerWasGoneIsCancelledNotRetried() {
        TrainingJobQueue queue = queue(SHORT_LEASE, 3, 10);
        String id = queue.submit(newJob()).id();
        queue.claim("http://a:8080").orElseThrow();
        queue.cancel(id);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(queue.claim("http://b:8080")).isEmpty();
            return queue.find(id).orElseThrow().state() == TrainingJobState.CANCELLED;
        });
    }

    @Test
    void twoWorkersNeverClaimTheSameJob() throws Exception {
        TrainingJobQueue queue = queue(LONG_LEASE, 3, 100);
        int jobs = 30;
        Set<String> submitted = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < jobs; i++) {
            submitted.add(queue.submit(newJob()).id());
        }
        int workers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<String>>> claims = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            String name = "http://worker-" + w + ":8080";
            claims.add(pool.submit(() -> {
                go.await();
                List<String> mine = new ArrayList<>();
                for (Optional<TrainingJobQueue.JobLease> lease = queue.claim(name); lease.isPresent(); lease = queue.claim(name)) {
                    mine.add(lease.get().jobId());
                }
                return mine;
            }));
        }
        go.countDown();
        List<String> all = new ArrayList<>();
        for (Future<List<String>> claim : claims) {
            all.addAll(claim.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(all).doesNotHaveDuplicates().hasSize(jobs);
        assertThat(Set.copyOf(all)).isEqualTo(submitted);
        assertThat(queue.list()).allSatisfy(v -> {
            assertThat(v.state()).isEqualTo(TrainingJobState.RUNNING);
            assertThat(v.attempts()).isEqualTo(1);
        });
    }

    @Test
    void aFullQueueRefusesJobsUntilAPlaceIsFree() {
        TrainingJobQueue queue = queue(LONG_LEASE, 3, 2);
        List<String> accepted = new ArrayList<>();
        assertThatThrownBy(() -> {
            for (int i = 0; i < 10; i++) {
                accepted.add(queue.submit(newJob()).id());
            }
        }).isInstanceOf(TrainingQueueFullException.class);
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(2);
        assertThat(queue.list()).hasSize(accepted.size());
        queue.cancel(accepted.get(accepted.size() - 1));
        assertThat(queue.submit(newJob()).state()).isEqualTo(TrainingJobState.QUEUED);
    }
}
