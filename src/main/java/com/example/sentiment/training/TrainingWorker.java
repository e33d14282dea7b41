package com.example.sentiment.training;

import com.example.sentiment.DaemonThreads;
import com.example.sentiment.SentimentProperties;
import com.example.sentiment.system.ProcessAddress;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.stereotype.Component;

/**
 * The {@code train} role: {@code sentiment.training.concurrent-jobs} threads that claim jobs from the
 * {@link TrainingJobQueue} and hand each to the {@link TrainingJobRunner}, which trains it and publishes the
 * result. While a job trains, a heartbeat renews its lease every third of {@code sentiment.queue.lease}, records
 * its progress and hears of a cancellation; a worker that loses its lease stops within one minibatch and writes
 * nothing more. A claim that fails (the queue's database away) is tried again with the back-off of
 * {@code sentiment.retry.job-claim}. A process without the {@code train} role starts no thread and never claims
 * a job.
 *
 * <p>Threads start once the application is ready (so a job's {@code worker} names the port really served).
 */
@Component
class TrainingWorker {

    private static final Logger log = LoggerFactory.getLogger(TrainingWorker.class);

    private final TrainingJobQueue queue;
    private final TrainingJobRunner runner;
    private final MeterRegistry meters;
    private final SentimentProperties properties;
    private final Environment environment;
    private final Duration heartbeatEvery;
    private final RetryTemplate claims;
    private final Map<String, TrainingJob> running = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService heartbeats;
    private volatile boolean stopping;
    private volatile String name;

    /** @param runner runs each job this worker claims */
    TrainingWorker(TrainingJobQueue queue, TrainingJobRunner runner, MeterRegistry meters,
                   SentimentProperties properties, Environment environment) {
        this.queue = queue;
        this.runner = runner;
        this.meters = meters;
        this.properties = properties;
        this.environment = environment;
        // a third of the lease: two beats may fail (a database restarting) before the lease runs out
        Duration third = properties.queue().lease().dividedBy(3);
        this.heartbeatEvery = third.toMillis() < 100 ? Duration.ofMillis(100) : third;
        // for as long as the worker runs: the queue's database may be away for minutes
        this.claims = new RetryTemplate(properties.retry().jobClaim().policy().includes(RuntimeException.class)
                .predicate(e -> !stopping).build());
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("training-heartbeat"));
    }

    @EventListener(ApplicationReadyEvent.class)
    synchronized void start() {
        if (!properties.hasRole(SentimentProperties.Role.TRAIN)) {
            log.info("This process has no train role (sentiment.roles={}): it claims no training job", properties.roles());
            return;
        }
        if (!threads.isEmpty() || stopping) {
            return;
        }
        name = workerName();
        ThreadFactory claimers = DaemonThreads.numbered("training-");
        for (int i = 1; i <= properties.training().concurrentJobs(); i++) {
            Thread thread = claimers.newThread(this::claimLoop);
            threads.add(thread);
            thread.start();
        }
        log.info("Training worker {} claims jobs with {} thread(s)", name, threads.size());
    }

    /** {@code sentiment.queue.worker-name}, else this process's health and metrics address. */
    private String workerName() {
        String configured = properties.queue().workerName();
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return ProcessAddress.of(environment);
    }

    /** The live view of a job this process trains (progress of every minibatch, not only of the last heartbeat). */
    Optional<TrainingJobView> live(String id) {
        TrainingJob job = id == null ? null : running.get(id);
        return job == null ? Optional.empty() : Optional.of(job.view());
    }

    Optional<TrainingJobView> anyRunning() {
        return running.values().stream().findFirst().map(TrainingJob::view);
    }

    /** Stops a job this process trains within one minibatch, without waiting for the heartbeat to hear of it. */
    void cancelIfRunningHere(String id) {
        TrainingJob job = running.get(id);
        if (job != null) {
            job.requestCancel();
        }
    }

    private void claimLoop() {
        while (!stopping) {
            Optional<TrainingJobQueue.JobLease> lease;
            try {
                lease = claims.invoke(this::claim);
            } catch (RuntimeException e) {
                // given up only when stopping, or interrupted while waiting to try again
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                continue;
            }
            try {
                if (lease.isPresent()) {
                    run(lease.get());
                } else {
                    queue.awaitWork(properties.queue().pollInterval());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // the job's end could not be recorded (its lease runs out, and it goes to another worker)
                log.warn("Training worker {}: {}", name, e.getMessage());
            }
        }
    }

    /** One claim; nothing once the worker stops. */
    private Optional<TrainingJobQueue.JobLease> claim() {
        if (stopping) {
            return Optional.empty();
        }
        try {
            return queue.claim(name);
        } catch (RuntimeException e) {
            // the queue's database is away: tried again with back-off, without a stack trace on every attempt
            log.warn("Training worker {} cannot claim jobs: {}", name, e.getMessage());
            throw e;
        }
    }

    private void run(TrainingJobQueue.JobLease lease) {
        TrainingJob job = new TrainingJob(lease);
        running.put(job.id(), job);
        ScheduledFuture<?> heartbeat = heartbeats.scheduleWithFixedDelay(() -> beat(lease, job),
                heartbeatEvery.toMillis(), heartbeatEvery.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Training job {} started by {} (attempt {})", job.id(), lease.worker(), lease.attempt());
        try {
            runner.run(lease, job, () -> beat(lease, job));
        } catch (JobQueueUnavailableException e) {
            // nothing can be recorded now; the lease runs out and the job goes to a worker that can reach the queue
            log.warn("Training job {} abandoned: {}", job.id(), e.getMessage());
        } finally {
            heartbeat.cancel(false);
            running.remove(job.id());
            TrainingJobView finished = job.view();
            if (finished.finishedAt() != null) {
                Timer.builder("sentiment.training.duration").description("Training job duration")
                        .tag("state", finished.state().name()).register(meters)
                        .record(Duration.between(finished.startedAt(), finished.finishedAt()));
            }
        }
    }

    private void beat(TrainingJobQueue.JobLease lease, TrainingJob job) {
        try {
            TrainingJobQueue.Heartbeat heard = queue.heartbeat(lease, job.view());
            if (!heard.held()) {
                if (!job.leaseLost()) {
                    log.warn("Training job {}: worker {} lost its lease (attempt {}); it stops and publishes nothing",
                            job.id(), lease.worker(), lease.attempt());
                }
                job.loseLease();
            } else if (heard.cancelRequested()) {
                job.requestCancel();
            }
        } catch (RuntimeException e) {
            // the lease is renewed again at the next beat if the queue comes back before it runs out
            log.warn("Training job {}: heartbeat failed: {}", job.id(), e.getMessage());
        }
    }

    /**
     * Stops claiming and hands running jobs back ({@link TrainingJobQueue#release}): training ends within one
     * minibatch; waits up to 30 s for it.
     */
    @PreDestroy
    void shutdown() {
        synchronized (this) {
            stopping = true;
        }
        // no interrupt: it could break a version being written; idle threads see the flag within a poll interval
        running.values().forEach(TrainingJob::handBack);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (thread.isAlive()) {
                log.warn("A training job did not stop within 30 s");
            }
        }
        heartbeats.shutdownNow();
    }
}
