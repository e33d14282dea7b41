package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.TestProperties;
import com.example.sentiment.dataset.PreparedDataset;
import com.example.sentiment.system.FailingDisk;
import com.example.sentiment.system.ProblemException;
import com.example.sentiment.system.ProblemTypes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/** The local queue against the queue contract, and what it does that a shared queue does not: die with the process. */
class LocalTrainingJobQueueTest extends TrainingJobQueueContract {

    @TempDir
    Path models;

    private final JsonMapper json = JsonMapper.builder().findAndAddModules().build();

    @Override
    protected TrainingJobQueue queue(Duration lease, int maxAttempts, int queueCapacity) {
        TrainingJobStore store = new TrainingJobStore(TestProperties.of(Map.of("sentiment.models-dir", models.toString())), json);
        return new LocalTrainingJobQueue(store, Clock.systemUTC(), lease, maxAttempts, 1, queueCapacity);
    }

    @Override
    protected boolean activatesInProcess() {
        return true;
    }

    @Test
    void aJobWhoseRecordCannotBeWrittenIsRefusedWith503AndNotQueued() {
        TrainingJobQueue queue = queue(LONG_LEASE, 3, 10);
        TrainingJobQueue.NewJob job = newJob();
        try (AutoCloseable disk = FailingDisk.failFsyncOf(p -> true)) {
            assertThatThrownBy(() -> queue.submit(job)).isInstanceOfSatisfying(ProblemException.class, e -> {
                assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                assertThat(e.type()).isEqualTo(ProblemTypes.uri("job-storage-unavailable"));
                assertThat(e.getMessage()).doesNotContain(models.toString());
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(queue.find(job.view().id())).isEmpty();
        assertThat(queue.claim("w")).isEmpty();
        // nor does it come back after a restart
        assertThat(queue(LONG_LEASE, 3, 10).find(job.view().id())).isEmpty();
    }

    @Test
    void aFailedUpdateOfARunningJobIsCountedAndWrittenAgainWithTheNext() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TrainingJobStore store = new TrainingJobStore(TestProperties.of(Map.of("sentiment.models-dir", models.toString())),
                json, meters);
        TrainingJobQueue queue = new LocalTrainingJobQueue(store, Clock.systemUTC(), LONG_LEASE, 3, 1, 10);
        String id = queue.submit(newJob()).id();
        TrainingJobQueue.JobLease lease;
        try (AutoCloseable disk = FailingDisk.failFsyncOf(p -> true)) {
            lease = queue.claim("w").orElseThrow(); // the job trains on: its record is this process's to keep
        }
        assertThat(meters.counter("sentiment.training.job-record.failures").count()).isEqualTo(1.0);
        assertThat(new TrainingJobStore(TestProperties.of(Map.of("sentiment.models-dir", models.toString())), json)
                .loadAll()).singleElement().satisfies(v -> assertThat(v.state()).isEqualTo(TrainingJobState.QUEUED));
        queue.heartbeat(lease, progressed(lease, 2));
        assertThat(new TrainingJobStore(TestProperties.of(Map.of("sentiment.models-dir", models.toString())), json)
                .loadAll()).singleElement().satisfies(v -> {
                    assertThat(v.id()).isEqualTo(id);
                    assertThat(v.state()).isEqualTo(TrainingJobState.RUNNING);
                });
    }

    @Test
    void theWorkerGetsTheDataTheApiPrepared() throws Exception {
        TrainingJobQueue queue = queue(LONG_LEASE, 3, 10);
        PreparedDataset prepared = new PreparedDataset(java.util.List.of("neg", "pos"), null, null, null, null, null, null,
                java.util.List.of());
        TrainingJobQueue.NewJob job = newJob();
        queue.submit(new TrainingJobQueue.NewJob(job.view(), job.config(), prepared, job.dataFile(), null));
        TrainingJobQueue.JobLease lease = queue.claim("w").orElseThrow();
        assertThat(lease.input().prepare((data, validation) -> {
            throw new AssertionError("the local queue does not read the files again");
        })).isSameAs(prepared);
    }

    @Test
    void aRestartFailsTheJobsItInterruptedAndKeepsTheOthers() {
        TrainingJobQueue before = queue(LONG_LEASE, 3, 10);
        String running = before.submit(newJob()).id();
        String finished = before.submit(newJob()).id();
        String queued = before.submit(newJob()).id();
        TrainingJobQueue.JobLease lease = before.claim("w").orElseThrow();
        before.heartbeat(lease, progressed(lease, 3));
        TrainingJobQueue.JobLease finishedLease = before.claim("w").orElseThrow();
        assertThat(finishedLease.jobId()).isEqualTo(finished);
        before.finish(finishedLease, ended(finishedLease, TrainingJobState.FAILED, "bad data", null));

        TrainingJobQueue after = queue(LONG_LEASE, 3, 10);
        TrainingJobView interrupted = after.find(running).orElseThrow();
        assertThat(interrupted.state()).isEqualTo(TrainingJobState.FAILED);
        assertThat(interrupted.error()).isEqualTo(LocalTrainingJobQueue.INTERRUPTED);
        assertThat(interrupted.progress().epoch()).as("how far it had come").isEqualTo(3);
        assertThat(after.find(queued).orElseThrow().state()).isEqualTo(TrainingJobState.FAILED);
        assertThat(after.find(queued).orElseThrow().error()).isEqualTo(LocalTrainingJobQueue.INTERRUPTED);
        assertThat(after.find(finished).orElseThrow().error()).as("a finished job is left as it was").isEqualTo("bad data");
        assertThat(after.claim("w")).isEmpty();
    }

    @Test
    void aJobHandedBackAtShutdownIsCancelled() {
        LocalTrainingJobQueue queue = (LocalTrainingJobQueue) queue(LONG_LEASE, 3, 10);
        String running = queue.submit(newJob()).id();
        String waiting = queue.submit(newJob()).id();
        TrainingJobQueue.JobLease lease = queue.claim("w").orElseThrow();
        queue.release(lease, progressed(lease, 2));
        queue.shutdown();
        assertThat(queue.find(running).orElseThrow().state()).isEqualTo(TrainingJobState.CANCELLED);
        assertThat(queue.find(waiting).orElseThrow().state()).isEqualTo(TrainingJobState.CANCELLED);
        assertThat(queue(LONG_LEASE, 3, 10).find(running).orElseThrow().state()).isEqualTo(TrainingJobState.CANCELLED);
    }
}
