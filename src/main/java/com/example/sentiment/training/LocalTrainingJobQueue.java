package com.example.sentiment.training;

import com.example.sentiment.ConditionalOnPostgres;
import com.example.sentiment.SentimentProperties;
import com.example.sentiment.dataset.PreparedDataset;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The job queue of the embedded default ({@code sentiment.queue.type=local}, the default): jobs in this
 * process, their prepared data in memory until a worker thread claims them, one JSON record each in the jobs
 * directory ({@link TrainingJobStore}). A job dies with the process: at start, jobs that were queued or running
 * are marked FAILED "interrupted by restart"; at shutdown, those not finished are recorded CANCELLED.
 *
 * <p>Leases and fencing tokens work as in the shared queue (the workers are threads of this process, so a lease
 * runs out only when a worker thread stops renewing it).
 */
@Component
@ConditionalOnPostgres(value = "sentiment.queue.type", chosen = false)
class LocalTrainingJobQueue implements TrainingJobQueue {

    private static final Logger log = LoggerFactory.getLogger(LocalTrainingJobQueue.class);
    static final String INTERRUPTED = "interrupted by restart";

    private final TrainingJobStore store;
    private final Clock clock;
    private final Duration lease;
    private final int maxAttempts;
    private final int concurrentJobs;
    private final int queueCapacity;
    private final Map<String, Entry> jobs = new HashMap<>(); // guarded by this
    private long lastToken;

    /** What the queue knows of a job besides its view; guarded by the queue. */
    private static final class Entry {
        TrainingJobView view;
        TrainingConfig.ResolvedTrainingConfig config;
        JobInput input;
        long token;
        Instant leaseUntil;
        boolean cancelRequested;

        Entry(TrainingJobView view, TrainingConfig.ResolvedTrainingConfig config, JobInput input) {
            this.view = view;
            this.config = config;
            this.input = input;
        }
    }

    @Autowired
    LocalTrainingJobQueue(TrainingJobStore store, SentimentProperties properties) {
        this(store, Clock.systemUTC(), properties.queue().lease(), properties.queue().maxAttempts(),
                properties.training().concurrentJobs(), properties.training().queueCapacity());
    }

    /**
     * @param concurrentJobs worker threads of this process: that many jobs start at once without waiting
     * @param queueCapacity jobs that may wait beyond those
     */
    LocalTrainingJobQueue(TrainingJobStore store, Clock clock, Duration lease, int maxAttempts, int concurrentJobs,
                          int queueCapacity) {
        this.store = store;
        this.clock = clock;
        this.lease = lease;
        this.maxAttempts = maxAttempts;
        this.concurrentJobs = concurrentJobs;
        this.queueCapacity = queueCapacity;
        restore();
    }

    @Override
    public synchronized TrainingJobView submit(NewJob job) {
        long queued = count(TrainingJobState.QUEUED);
        long running = count(TrainingJobState.RUNNING);
        // as the executor this replaced: free worker threads take jobs at once, then queueCapacity may wait
        if (queued >= queueCapacity + Math.max(0, concurrentJobs - running)) {
            throw TrainingQueueFullException.withCapacity((int) running, (int) queued);
        }
        PreparedDataset prepared = job.prepared();
        try {
            store.save(job.view());
        } catch (IOException e) {
            // refused rather than queued: a job accepted without its record would vanish at the next restart
            throw JobStorageUnavailableException.because(e);
        }
        jobs.put(job.view().id(), new Entry(job.view(), job.config(), files -> prepared));
        notifyAll();
        return job.view();
    }

    @Override
    public synchronized Optional<TrainingJobView> find(String id) {
        Entry entry = id == null ? null : jobs.get(id);
        return entry == null ? Optional.empty() : Optional.of(entry.view);
    }

    @Override
    public synchronized List<TrainingJobView> list() {
        return jobs.values().stream().map(e -> e.view)
                .sorted(Comparator.comparing(TrainingJobView::createdAt).reversed()).toList();
    }

    @Override
    public synchronized Optional<TrainingJobView> oldest(TrainingJobState state) {
        return jobs.values().stream().map(e -> e.view).filter(v -> v.state() == state)
                .min(Comparator.comparing(TrainingJobView::createdAt));
    }

    @Override
    public synchronized Map<TrainingJobState, Long> counts() {
        Map<TrainingJobState, Long> counts = new EnumMap<>(TrainingJobState.class);
        for (Entry entry : jobs.values()) {
            counts.merge(entry.view.state(), 1L, Long::sum);
        }
        return counts;
    }

    @Override
    public synchronized Optional<TrainingJobView> cancel(String id) {
        Entry entry = id == null ? null : jobs.get(id);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.view.state() == TrainingJobState.QUEUED) {
            entry.input = null; // a cancelled job must not hold its data
            end(entry, TrainingJobState.CANCELLED, null, null, entry.view);
            log.info("Cancelled queued training job {}", id);
        } else if (entry.view.state() == TrainingJobState.RUNNING) {
            entry.cancelRequested = true;
        }
        return Optional.of(entry.view);
    }

    @Override
    public synchronized Optional<JobLease> claim(String worker) {
        Instant now = clock.instant();
        reapExpired(now);
        Optional<Entry> next = jobs.values().stream()
                .filter(e -> e.view.state() == TrainingJobState.QUEUED || expired(e, now))
                .min(Comparator.comparing(e -> e.view.createdAt()));
        if (next.isEmpty()) {
            return Optional.empty();
        }
        Entry entry = next.get();
        entry.token = ++lastToken;
        entry.leaseUntil = now.plus(lease);
        TrainingJobView v = entry.view;
        entry.view = v.withQueueState(TrainingJobState.RUNNING, now, null, worker, v.attempts() + 1, null, null);
        record(entry.view);
        JobInput input = entry.input;
        entry.input = null; // held by the worker now; a job taken over after a lost lease has to do without
        return Optional.of(new JobLease(v.id(), worker, entry.token, entry.view.attempts(), entry.view, entry.config,
                input != null ? input : files -> {
                    throw new IOException("the job's data was held by the worker that lost it");
                }));
    }

    /** Running jobs whose lease ran out and that may not be tried again end here. */
    private void reapExpired(Instant now) {
        for (Entry entry : jobs.values()) {
            if (!expired(entry, now)) {
                continue;
            }
            if (entry.cancelRequested) {
                end(entry, TrainingJobState.CANCELLED, null, null, entry.view);
            } else if (entry.view.attempts() >= maxAttempts) {
                end(entry, TrainingJobState.FAILED, gaveUp(entry.view), null, entry.view);
                log.warn("Training job {} failed: {}", entry.view.id(), entry.view.error());
            }
        }
    }

    static String gaveUp(TrainingJobView view) {
        return "no worker finished the job in " + view.attempts() + " attempt(s): the lease of the last one ("
                + view.worker() + ") ran out";
    }

    private static boolean expired(Entry entry, Instant now) {
        return entry.view.state() == TrainingJobState.RUNNING && entry.leaseUntil != null
                && entry.leaseUntil.isBefore(now);
    }

    @Override
    public synchronized Heartbeat heartbeat(JobLease lease, TrainingJobView progress) {
        Entry entry = held(lease);
        if (entry == null) {
            return Heartbeat.LOST;
        }
        entry.leaseUntil = clock.instant().plus(this.lease);
        entry.view = progress.withQueueState(TrainingJobState.RUNNING, entry.view.startedAt(), null,
                entry.view.worker(), entry.view.attempts(), null, null);
        record(entry.view);
        return new Heartbeat(true, entry.cancelRequested);
    }

    @Override
    public synchronized boolean holds(JobLease lease) {
        Entry entry = held(lease);
        return entry != null && !entry.leaseUntil.isBefore(clock.instant());
    }

    @Override
    public synchronized boolean finish(JobLease lease, TrainingJobView finished) {
        Entry entry = held(lease);
        if (entry == null) {
            return false;
        }
        end(entry, finished.state(), finished.error(), null, finished);
        return true;
    }

    @Override
    public Optional<String> succeed(JobLease lease, boolean activate, ModelPublication model,
                                    Function<String, TrainingJobView> finished) throws IOException {
        if (!holds(lease)) {
            return Optional.empty();
        }
        // as the embedded service always did: the version is stored, and activated in this process
        String modelId = model.store(activate);
        synchronized (this) {
            Entry entry = held(lease);
            if (entry == null) {
                log.warn("Training job {} lost its lease while model {} was stored", lease.jobId(), modelId);
                return Optional.empty();
            }
            end(entry, TrainingJobState.SUCCEEDED, null, modelId, finished.apply(modelId));
            return Optional.of(modelId);
        }
    }

    /** The local queue dies with the process, so a job handed back at shutdown is recorded as cancelled. */
    @Override
    public synchronized void release(JobLease lease, TrainingJobView progress) {
        Entry entry = held(lease);
        if (entry != null) {
            end(entry, TrainingJobState.CANCELLED, null, null, progress);
        }
    }

    @Override
    public synchronized void awaitWork(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (count(TrainingJobState.QUEUED) == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private Entry held(JobLease lease) {
        Entry entry = jobs.get(lease.jobId());
        return entry != null && entry.token == lease.token() && entry.view.state() == TrainingJobState.RUNNING
                ? entry : null;
    }

    private void end(Entry entry, TrainingJobState state, String error, String modelId, TrainingJobView last) {
        entry.view = last.withQueueState(state, entry.view.startedAt(), clock.instant(), entry.view.worker(),
                entry.view.attempts(), error, modelId);
        entry.leaseUntil = null;
        entry.input = null;
        record(entry.view);
    }

    /**
     * Records a change of a job already accepted. A failure (logged and counted by the store) does not stop the
     * job: this process holds its state, answers for it, and writes the whole record again with the job's next
     * change (every heartbeat), so a passing disk fault heals itself; what a restart meanwhile would find is
     * the last record written.
     */
    private void record(TrainingJobView view) {
        try {
            store.save(view);
        } catch (IOException e) {
            log.warn("Training job {} carries on; its record is written again with its next change", view.id());
        }
    }

    private long count(TrainingJobState state) {
        return jobs.values().stream().filter(e -> e.view.state() == state).count();
    }

    /** Jobs of earlier runs; those that were queued or running when the process died are failed. */
    private void restore() {
        for (TrainingJobView view : store.loadAll()) {
            Entry entry = new Entry(view, null, null);
            if (!view.state().isFinal()) {
                end(entry, TrainingJobState.FAILED, INTERRUPTED, null, view);
                log.warn("Training job {} was {} when the service stopped: marked FAILED", view.id(), view.state());
            }
            jobs.put(view.id(), entry);
        }
    }

    /** Jobs still waiting when the process stops are recorded as cancelled rather than left to read "interrupted". */
    @PreDestroy
    synchronized void shutdown() {
        for (Entry entry : jobs.values()) {
            if (!entry.view.state().isFinal()) {
                end(entry, TrainingJobState.CANCELLED, null, null, entry.view);
            }
        }
    }
}
