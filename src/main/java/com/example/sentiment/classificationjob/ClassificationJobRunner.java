package com.example.sentiment.classificationjob;

import com.example.sentiment.dataset.FileFormat;
import com.example.sentiment.ml.Prediction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs classification jobs one at a time on a thread of its own: reads the stored file row by row, classifies
 * {@code commit-rows} rows at a time through {@link JobInference}, appends their results and commits them
 * ({@link ClassificationJobFiles.ResultOutput#commit}). Memory holds one chunk of rows, whatever the file's size.
 *
 * <p>A job that starts again (after a restart, or after {@link #stop} paused it) goes on from its checkpoint:
 * the results are cut back to the last commit and the rows it answers are skipped, so every row is answered
 * exactly once. {@link #start} takes up every job left QUEUED or RUNNING, oldest first.
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
    private final BlockingQueue<String> waiting = new LinkedBlockingQueue<>();
    private final Map<String, Progress> live = new ConcurrentHashMap<>();
    private final Object stateLock = new Object();
    private volatile String current;
    private volatile boolean cancelCurrent;
    private volatile Thread thread;

    ClassificationJobRunner(ClassificationJobRecords records, ClassificationJobFiles files, JobInference inference,
                            JsonMapper json, int commitRows, Clock clock) {
        this.records = records;
        this.files = files;
        this.inference = inference;
        this.json = json;
        this.commitRows = commitRows;
        this.clock = clock;
    }

    /** Starts the thread and queues every job that a previous run left unfinished, oldest first. */
    synchronized void start() {
        if (thread != null) {
            return;
        }
        List<ClassificationJob> unfinished = new ArrayList<>(records.all().stream()
                .filter(j -> !j.state().finished()).toList());
        java.util.Collections.reverse(unfinished);
        unfinished.forEach(j -> {
            log.info("Classification job {} was {}; it goes on from its last committed row", j.id(), j.state());
            waiting.add(j.id());
        });
        Thread t = new Thread(this::work, "classification-jobs");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /**
     * Stops the thread as a shutdown does: the running job keeps its state and checkpoint (what it wrote after
     * the last commit is cut off when it goes on), and is taken up by the next {@link #start}.
     */
    synchronized void stop() throws InterruptedException {
        Thread t = thread;
        if (t == null) {
            return;
        }
        thread = null;
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(30));
    }

    void enqueue(String id) {
        waiting.add(id);
    }

    /** Jobs waiting for the thread, and the one it runs. */
    int inLine() {
        return waiting.size() + (current != null ? 1 : 0);
    }

    Optional<Progress> progress(String id) {
        return Optional.ofNullable(live.get(id));
    }

    /**
     * Cancels a job that has not ended: it is recorded CANCELLED at once; if it is running, it stops within one
     * chunk (its results so far are kept until the retention time).
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
            records.save(cancelled);
            waiting.remove(job.id());
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
            String id;
            try {
                id = waiting.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (id == null) {
                continue;
            }
            synchronized (stateLock) {
                current = id;
                cancelCurrent = false;
            }
            try {
                run(id);
            } catch (RuntimeException e) {
                log.error("Classification job {} could not be run", id, e);
            } finally {
                current = null;
                live.remove(id);
                Thread.interrupted(); // a cancel that came as the job ended must not stop the next one
            }
        }
    }

    /** Runs one job to its end, or until it is cancelled or the runner stops. */
    void run(String id) {
        ClassificationJob job = records.find(id).orElse(null);
        if (job == null || job.state().finished()) {
            return;
        }
        long start = System.nanoTime();
        long done = 0;
        try {
            JobInference.Model model = inference.model(job.modelId());
            ClassificationJobFiles.Checkpoint checkpoint = files.checkpoint(id);
            done = checkpoint.rows();
            synchronized (stateLock) {
                if (records.find(id).map(j -> j.state().finished()).orElse(true)) {
                    return;
                }
                job = job.running(clock.instant());
                records.save(job);
            }
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
                    if (cancelCurrent || Thread.currentThread().isInterrupted()) {
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
            finish(job, ClassificationJob.State.SUCCEEDED, done, start, null);
        } catch (InterruptedException e) {
            paused(job, done, start);
        } catch (IOException | RuntimeException e) {
            if (e instanceof java.nio.channels.ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
                paused(job, done, start); // an interrupt closed the results file mid-write: not the job's fault
                return;
            }
            log.warn("Classification job {} failed: {}", id, e.toString());
            finish(job, ClassificationJob.State.FAILED, done, start,
                    e instanceof com.example.sentiment.system.ProblemException p ? p.getMessage()
                            : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** Stopped by a cancel (recorded already) or a shutdown: then the job stays unfinished, to go on later. */
    private void paused(ClassificationJob job, long done, long start) {
        if (cancelCurrent) {
            return;
        }
        synchronized (stateLock) {
            if (records.find(job.id()).map(j -> !j.state().finished()).orElse(false)) {
                records.save(job.paused(done, (System.nanoTime() - start) / 1e9));
            }
        }
        log.info("Classification job {} paused after {} rows; it goes on at the next start", job.id(), done);
    }

    private void finish(ClassificationJob job, ClassificationJob.State state, long rows, long start, String error) {
        synchronized (stateLock) {
            if (records.find(job.id()).map(j -> j.state().finished()).orElse(true)) {
                return; // cancelled (or deleted) meanwhile: that stays
            }
            records.save(job.ended(state, rows, (System.nanoTime() - start) / 1e9, clock.instant(), error));
        }
    }
}
