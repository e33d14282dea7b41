package com.example.sentiment.training;

import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.dataset.PreparedDataset;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Training jobs, their progress and history, and who runs them (a port). A job waits QUEUED until a worker
 * claims it; the worker then holds it under a lease that it renews with heartbeats. A job whose worker stops
 * renewing goes to another worker, up to {@code sentiment.queue.max-attempts} claims, then it is FAILED. Every
 * write a worker makes names the fencing token of its claim, so a worker that lost its lease changes nothing:
 * it can never publish a model.
 *
 * <p>Adapters, chosen by {@code sentiment.queue.type}: {@code local} ({@link LocalTrainingJobQueue}: jobs in this
 * process, records in the jobs directory; a restart fails the jobs it interrupted) and {@code postgres}
 * ({@link PostgresTrainingJobQueue}: shared by every replica and worker). {@code TrainingJobQueueContract} is
 * what both must do.
 */
interface TrainingJobQueue {

    /**
     * A job as the API accepted it.
     *
     * @param view the job as first shown (QUEUED)
     * @param prepared the data as the API validated and prepared it (the local queue hands it to its worker)
     * @param dataFile the uploaded training file, and {@code validationFile} the validation file or null (a
     *                 shared queue stores them; its worker reads them again)
     */
    record NewJob(TrainingJobView view, TrainingConfig.ResolvedTrainingConfig config, PreparedDataset prepared,
                  DatasetReader.Upload dataFile, DatasetReader.Upload validationFile) {
    }

    /**
     * A job as a worker claimed it.
     *
     * @param token the fencing token of this claim: it grows with every claim, and a write that names an older
     *              one changes nothing
     * @param attempt which claim of the job this is, from 1
     * @param view the job as stored when it was claimed (RUNNING, this worker, this attempt)
     */
    record JobLease(String jobId, String worker, long token, int attempt, TrainingJobView view,
                    TrainingConfig.ResolvedTrainingConfig config, JobInput input) {
    }

    /**
     * What a heartbeat found.
     *
     * @param held false when the lease was lost: the job went to another worker, or it was failed
     * @param cancelRequested someone asked to cancel the job
     */
    record Heartbeat(boolean held, boolean cancelRequested) {
        static final Heartbeat LOST = new Heartbeat(false, false);
    }

    /** What a job trains on, kept by the queue until a worker claims the job. */
    interface JobInput {

        /**
         * The prepared data: the local queue keeps what the API prepared; a shared queue keeps only the uploaded
         * files and has them read again here, by the worker.
         *
         * @param files reads uploaded files into prepared data (as the API read them)
         */
        PreparedDataset prepare(FilesReader files) throws IOException;
    }

    /** Reads a job's uploaded files (training, and validation or null) into prepared data. */
    interface FilesReader {
        PreparedDataset read(DatasetReader.Upload data, DatasetReader.Upload validation);
    }

    /** Stores the trained version, activating it in this process or not as told, and returns its id. */
    interface ModelPublication {
        String store(boolean activate) throws IOException;
    }

    /**
     * Queues a job.
     *
     * @throws TrainingQueueFullException when too many jobs wait
     */
    TrainingJobView submit(NewJob job);

    Optional<TrainingJobView> find(String id);

    /** Every job, newest first. */
    List<TrainingJobView> list();

    /** The oldest job in this state. */
    Optional<TrainingJobView> oldest(TrainingJobState state);

    /** How many jobs are in each state (states without jobs may be missing). */
    Map<TrainingJobState, Long> counts();

    /**
     * Cancels a job: a queued one at once, a running one when its worker next hears of it (at its next
     * heartbeat); a finished job is left as it is.
     *
     * @return the job after the request; empty when there is no such job
     */
    Optional<TrainingJobView> cancel(String id);

    /**
     * Claims the oldest job that waits, or whose worker's lease ran out, for {@code worker}; never waits. Jobs
     * whose lease ran out and that may not be tried again are failed (or cancelled, if that was asked) on the way.
     */
    Optional<JobLease> claim(String worker);

    /** Renews the lease and records the job's progress, if the lease still holds. */
    Heartbeat heartbeat(JobLease lease, TrainingJobView progress);

    /** True while the lease holds and has not run out. */
    boolean holds(JobLease lease);

    /**
     * Ends a job that did not produce a model ({@code finished} is FAILED or CANCELLED).
     *
     * @return false when the lease was lost: nothing was written
     */
    boolean finish(JobLease lease, TrainingJobView finished);

    /**
     * Publishes a trained model and marks the job SUCCEEDED, only while the lease holds: the lease is checked
     * before the version is stored, and the job is marked with the same fencing token. Where activation happens
     * is the adapter's: the local queue has {@code model} activate the version in this process (as the embedded
     * service always did); a shared queue stores it without activating and moves the shared pointer in the same
     * transaction that marks the job SUCCEEDED.
     *
     * @param activate whether the new version should serve
     * @param finished the final view (SUCCEEDED) for the stored version's id
     * @return the stored version's id; empty when the lease was lost (the job was not marked, nothing activated)
     */
    Optional<String> succeed(JobLease lease, boolean activate, ModelPublication model,
                             Function<String, TrainingJobView> finished) throws IOException;

    /**
     * Hands a job back because this worker stops (shutdown): the local queue, which dies with the process,
     * records it CANCELLED; a shared queue puts it back in the queue for another worker, without counting
     * the attempt.
     */
    void release(JobLease lease, TrainingJobView progress);

    /** Waits up to {@code max} for a job to claim (a shared queue simply waits {@code max}). */
    void awaitWork(Duration max) throws InterruptedException;
}
