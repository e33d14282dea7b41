package com.example.sentiment.classificationjob;

import com.example.sentiment.DaemonThreads;
import com.example.sentiment.dataset.FileFormat;
import com.example.sentiment.ml.Prediction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs classification jobs one at a time on a thread of its own: claims the oldest job nobody holds
 * ({@link ClassificationJobRecords#claim}), reads its stored file row by row, classifies {@code commit-rows} rows
 * at a time through {@link JobInference}, appends their results and commits them
 * ({@link ClassificationJobFiles.ResultOutput#commit}). Memory holds one chunk of rows, whatever the file's size.
 * While it runs a job, a heartbeat renews the job's lease every third of the lease; a renewal that fails (the
 * job was cancelled, or another runner took it after the lease ran out) stops the job here within one chunk.
 *
 * <p>A job that starts again (after a restart, after {@link #stop} handed it back, or on another replica once
 * the lease of the one that ran it ran out) goes on from its checkpoint: the results are cut back to the last
 * commit and the rows it answers are skipped, so every row is answered exactly once.
 */
final class ClassificationJobRunner {

    private static final Logger log = LoggerFactory.getLogger(ClassificationJobRunner.class);

    /** How far the running job is: rows done, and when and from which row this run started. */
    record Progress(long rowsDone, long rowsAtStart, long startNanos) {

        double seconds() {
            return (System.nanoTime() - startNanos) / 1e9;
        }

        /** Rows per second of this run so far, or null before a chunk is done. */
        Double rowsPerSecond() {
            double seconds = seconds();
            return rowsDone > rowsAtStart && seconds > 0 ? (rowsDone - rowsAtStart) / seconds : null;
        }
    }

    private final ClassificationJobRecords records;
    private final ClassificationJobFiles files;
    private final JobInference inference;
    private final JsonMapper json;
    private final int commitRows;
    private final Clock clock;
    private final String worker;
    private final Duration heartbeatEvery;
    private final Duration pollInterval;
    private final Semaphore wakeUp = new Semaphore(0);
    private final Map<String, Progress> live = new ConcurrentHashMap<>();
    private final Object stateLock = new Object();
    private volatile String current;
    private volatile boolean cancelCurrent;
    private volatile boolean lostCurrent;
    private volatile Thread thread;
    private ScheduledExecutorService heartbeats;

    /** A runner of the embedded mode: leases of 30 s, and a look for work every 2 s besides {@link #enqueue}. */
    ClassificationJobRunner(ClassificationJobRecords records, ClassificationJobFiles files, JobInference inference,
                            JsonMapper json, int commitRows, Clock clock) {
        this(records, files, inference, json, commitRows, clock, "local", Duration.ofSeconds(30), Duration.ofSeconds(2));
    }

    /**
     * @param worker how this runner names itself in its claims
     * @param lease how long a claim holds a job without renewal (the records' setting); renewed every third
     * @param pollInterval how often an idle runner looks for a job that another replica queued, or whose lease
     *                     ran out
     */
    ClassificationJobRunner(ClassificationJobRecords records, ClassificationJobFiles files, JobInference inference,
                            JsonMapper json, int commitRows, Clock clock, String worker, Duration lease,
                            Duration pollInterval) {
        this.records = records;
        this.files = files;
        this.inference = inference;
        this.json = json;
        this.commitRows = commitRows;
        this.clock = clock;
        this.worker = worker;
        Duration third = lease.dividedBy(3);
        this.heartbeatEvery = third.toMillis() < 50 ? Duration.ofMillis(50) : third;
        this.pollInterval = pollInterval;
    }

    /** Starts the thread; it takes up every job a previous run left unfinished, oldest first, then new ones. */
    synchronized void start() {
        if (thread != null) {
            return;
        }
        heartbeats = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("classification-job-heartbeat"));
        thread = DaemonThreads.named("classification-jobs").newThread(this::work);
        thread.start();
    }

    /**
     * Stops the thread as a shutdown does: the running job keeps its state and checkpoint (what it wrote after
     * the last commit is cut off when it goes on), and is handed back for the next claim, here or elsewhere.
     */
    synchronized void stop() throws InterruptedException {
        Thread t = thread;
        if (t == null) {
            return;
        }
        thread = null;
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(30));
        heartbeats.shutdownNow();
    }

    /** A job was queued here: look for it now rather than at the next poll. */
    void enqueue(String id) {
        wakeUp.release();
    }

    /**
     * Jobs waiting or running, on every replica that shares the records; or 1 while this runner is still
     * leaving a job that has just ended (it stops within one chunk).
     */
    int inLine() {
        long unfinished = records.unfinished();
        return (int) Math.max(unfinished, current != null ? 1 : 0);
    }

    Optional<Progress> progress(String id) {
        return Optional.ofNullable(live.get(id));
    }

    /**
     * Cancels a job that has not ended: it is recorded CANCELLED at once; if it is running here, it stops within
     * one chunk, and on another replica when its next renewal fails (its results so far are kept until the
     * retention time).
     *
     * @return the record as it now is
     */
    ClassificationJob cancel(ClassificationJob job) {
        synchronized (stateLock) {
            ClassificationJob now = records.find(job.id()).orElse(job);
            if (now.state().finished()) {
                throw ClassificationJobStateException.cannotCancel(now);
            }
            Progress progress = live.get(job.id());
            long rows = progress != null ? progress.rowsDone() : now.rowsDone();
            ClassificationJob cancelled = now.ended(ClassificationJob.State.CANCELLED, rows,
                    progress != null ? progress.seconds() : 0, clock.instant(), null);
            if (!records.endUnfinished(cancelled)) {
                throw ClassificationJobStateException.cannotCancel(records.find(job.id()).orElse(now));
            }
            if (job.id().equals(current)) {
                cancelCurrent = true;
                Thread t = thread;
                if (t != null) {
                    t.interrupt();
                }
            }
            return cancelled;
        }
    }

    private void work() {
        while (thread == Thread.currentThread()) {
            Optional<ClassificationJobRecords.Lease> claimed;
            try {
                claimed = records.claim(worker);
            } catch (RuntimeException e) {
                log.warn("Could not look for classification jobs: {}", e.toString());
                claimed = Optional.empty();
            }
            if (claimed.isEmpty()) {
                try {
                    if (wakeUp.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS)) {
                        wakeUp.drainPermits();
                    }
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            ClassificationJobRecords.Lease lease = claimed.get();
            synchronized (stateLock) {
                current = lease.jobId();
                cancelCurrent = false;
                lostCurrent = false;
            }
            Thread me = Thread.currentThread();
            ScheduledFuture<?> heartbeat = heartbeats.scheduleWithFixedDelay(() -> renew(lease, me),
                    heartbeatEvery.toMillis(), heartbeatEvery.toMillis(), TimeUnit.MILLISECONDS);
            try {
                run(lease);
            } catch (RuntimeException e) {
                log.error("Classification job {} could not be run", lease.jobId(), e);
                releaseQuietly(lease);
            } finally {
                heartbeat.cancel(false);
                synchronized (stateLock) {
                    current = null;
                }
                live.remove(lease.jobId());
                Thread.interrupted(); // a cancel that came as the job ended must not stop the next one
            }
        }
    }

    /** The heartbeat: a lease that cannot be renewed is lost, and the job stops here within one chunk. */
    private void renew(ClassificationJobRecords.Lease lease, Thread runner) {
        try {
            if (!records.renew(lease)) {
                log.warn("Classification job {}: the lease of {} is lost (cancelled, or taken over); it stops here",
                        lease.jobId(), worker);
                lostCurrent = true;
                runner.interrupt();
            }
        } catch (RuntimeException e) {
            // tried again at the next beat; if the lease runs out meanwhile, the next renewal says it is lost
            log.warn("Classification job {}: the lease could not be renewed: {}", lease.jobId(), e.toString());
        }
    }

    private void releaseQuietly(ClassificationJobRecords.Lease lease) {
        try {
            records.release(lease);
        } catch (RuntimeException e) {
            log.warn("Classification job {} could not be handed back; another runner takes it when its lease runs out: {}",
                    lease.jobId(), e.toString());
        }
    }

    /** Runs one claimed job to its end, or until it is cancelled, its lease is lost or the runner stops. */
    void run(ClassificationJobRecords.Lease lease) {
        String id = lease.jobId();
        ClassificationJob job = records.find(id).orElse(null);
        if (job == null || job.state().finished()) {
            releaseQuietly(lease);
            return;
        }
        long start = System.nanoTime();
        long done = 0;
        try {
            JobInference.Model model = inference.model(job.modelId());
            ClassificationJobFiles.Checkpoint checkpoint = files.checkpoint(id);
            done = checkpoint.rows();
            synchronized (stateLock) {
                job = job.running(clock.instant());
                if (!records.update(lease, job)) {
                    return; // cancelled, or taken over, since the claim
                }
            }
            log.info("Classification job {} runs on {} from row {} of {}", id, worker, done, job.totalRows());
            live.put(id, new Progress(done, done, start));
            ResultFormat format = ResultFormat.named(job.outputFormat());
            FileFormat inputFormat = FileFormat.valueOf(job.inputFormat().toUpperCase(java.util.Locale.ROOT));
            try (InputStream in = files.openInput(id);
                 JobInput input = JobInput.open(in, inputFormat, job.textColumn(), json);
                 ClassificationJobFiles.ResultOutput out = files.openOutput(id, checkpoint)) {
                input.skip(checkpoint.rows());
                if (checkpoint.bytes() == 0) {
                    out.stream().write(format.header(model.labels()).getBytes(StandardCharsets.UTF_8));
                }
                List<String> ids = new ArrayList<>(commitRows);
                List<String> texts = new ArrayList<>(commitRows);
                StringBuilder lines = new StringBuilder();
                while (true) {
                    ids.clear();
                    texts.clear();
                    JobInput.Row row;
                    while (texts.size() < commitRows && (row = input.next()) != null) {
                        if (row.problem() != null) {
                            throw new IOException("row " + row.number() + " (line " + row.line() + "): " + row.problem());
                        }
                        ids.add(row.id());
                        texts.add(row.text());
                    }
                    if (texts.isEmpty()) {
                        break;
                    }
                    if (cancelCurrent || lostCurrent || Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException();
                    }
                    List<Prediction> predictions = inference.classify(job.modelId(), texts);
                    lines.setLength(0);
                    for (int i = 0; i < predictions.size(); i++) {
                        format.line(lines, ids.get(i), predictions.get(i), model.labels());
                    }
                    out.stream().write(lines.toString().getBytes(StandardCharsets.UTF_8));
                    done += texts.size();
                    out.commit(done);
                    live.put(id, new Progress(done, checkpoint.rows(), start));
                }
            }
            finish(lease, job, ClassificationJob.State.SUCCEEDED, done, start, null);
        } catch (InterruptedException e) {
            paused(lease, job, done, start);
        } catch (IOException | RuntimeException e) {
            // a stop (the thread is no longer this runner's), a cancel or a lost lease cut a write short: an
            // interrupted call of the object store's client does not always leave the thread interrupted
            if (e instanceof java.nio.channels.ClosedByInterruptException || Thread.currentThread().isInterrupted()
                    || thread != Thread.currentThread() || cancelCurrent || lostCurrent) {
                paused(lease, job, done, start); // an interrupt closed the results mid-write: not the job's fault
                return;
            }
            log.warn("Classification job {} failed: {}", id, e.toString());
            finish(lease, job, ClassificationJob.State.FAILED, done, start,
                    e instanceof com.example.sentiment.system.ProblemException p ? p.getMessage()
                            : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /**
     * Stopped by a cancel (recorded already), a lost lease (the job is another runner's now) or a shutdown: then
     * the job stays unfinished, and is handed back to go on from its checkpoint, here or elsewhere.
     */
    private void paused(ClassificationJobRecords.Lease lease, ClassificationJob job, long done, long start) {
        if (cancelCurrent || lostCurrent) {
            return;
        }
        Thread.interrupted(); // the stop's interrupt must not break the writes that hand the job back
        synchronized (stateLock) {
            records.update(lease, job.paused(done, (System.nanoTime() - start) / 1e9));
        }
        releaseQuietly(lease);
        log.info("Classification job {} paused after {} rows; it goes on from there at the next claim", job.id(), done);
    }

    private void finish(ClassificationJobRecords.Lease lease, ClassificationJob job, ClassificationJob.State state,
                        long rows, long start, String error) {
        synchronized (stateLock) {
            // cancelled (or taken over, or deleted) meanwhile: that stays
            records.update(lease, job.ended(state, rows, (System.nanoTime() - start) / 1e9, clock.instant(), error));
        }
    }
}
