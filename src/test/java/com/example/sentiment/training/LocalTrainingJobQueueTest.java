package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.TestProperties;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    void theWorkerGetsTheDataTheApiPrepared() throws Exception {
        TrainingJobQueue queue = queue(LONG_LEASE, 3, 10);
        PreparedDataset prepared = new PreparedDataset(java.util.List.of("neg", "pos"), null, null, null, null, null);
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
