package com.example.sentiment.classification;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.TextClassifier;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Dynamic batching of single-text requests: concurrent requests wait in a bounded queue, and each worker
 * takes what is there (up to {@code max-batch-size} requests, waiting at most {@code max-wait} for more) and
 * classifies it in one call, where the classifier sorts by length and runs few, well-filled forward passes.
 * A full queue is refused at once with 503 instead of letting latency grow without bound; the queue counts
 * texts (sequences to run), not calls, so one large call cannot hide behind the count of one. Batch calls go
 * through the same workers as one request each, so every forward pass runs on these few threads; an
 * explanation's variants go in chunks of {@code max-batch-size}, one at a time, on all workers but one, so that
 * single texts interleave with them.
 *
 * <p>Callers wait at most {@code sentiment.classify.request-timeout}, then get a 503. A forward pass that
 * throws anything fails only its own callers (503); after an {@link Error} the worker is replaced by a new
 * thread, since the failed one may have been left mid-pass with native per-thread state. When a worker cannot
 * be started again, {@link #ensureWorkers()} says so and the {@code inferenceWorkers} liveness check is DOWN.
 */
@Component
class InferenceBatcher {

    private static final Logger log = LoggerFactory.getLogger(InferenceBatcher.class);

    /**
     * One request: a single text, or the texts of a batch call (or of an explanation), already tokenised on
     * the caller's thread, and where its answers go.
     */
    private record Pending(TextClassifier classifier, List<List<String>> texts,
                           CompletableFuture<List<Prediction>> result) {
    }

    /**
     * Put in the interactive queue to wake a waiting worker when background work arrives; never run. A worker
     * waits on the interactive queue alone, so that interactive requests are always looked at first.
     */
    private static final Pending WAKE = new Pending(null, List.of(), new CompletableFuture<>());
    /** How long after the last interactive request a background pass may take the last free worker too. */
    private static final long INTERACTIVE_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final BlockingDeque<Pending> queue = new LinkedBlockingDeque<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private final DistributionSummary batchSizes;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final Duration timeout;
    private final int wantedWorkers;
    private final ThreadFactory threads;
    private final AtomicInteger started = new AtomicInteger();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final Semaphore bulkSlots;
    /** Chunks of classification jobs: taken only when no interactive request waits (see {@link #nextBackground}). */
    private final BlockingDeque<Pending> background = new LinkedBlockingDeque<>();
    private final AtomicInteger backgroundRunning = new AtomicInteger();
    private volatile long lastInteractive = System.nanoTime() - INTERACTIVE_QUIET_NANOS;
    private volatile boolean running = true;

    @Autowired
    InferenceBatcher(SentimentProperties properties, MeterRegistry meters) {
        this(properties, meters, Thread::new);
    }

    /** @param threads makes the worker threads (a test's may refuse, as a process out of threads would) */
    InferenceBatcher(SentimentProperties properties, MeterRegistry meters, ThreadFactory threads) {
        SentimentProperties.Batching settings = properties.classify().batching();
        this.capacity = settings.queueCapacity();
        Gauge.builder("sentiment.inference.queue", queued, AtomicInteger::get)
                .description("Texts waiting for a worker (an explanation counts each of its variants)")
                .register(meters);
        this.batchSizes = DistributionSummary.builder("sentiment.inference.batch.size")
                .description("Texts per merged forward call").register(meters);
        this.maxBatch = settings.maxBatchSize();
        this.maxWaitNanos = TimeUnit.MICROSECONDS.toNanos(settings.maxWaitMicros());
        this.timeout = properties.classify().requestTimeout();
        this.wantedWorkers = properties.classify().inferenceThreadCount();
        this.bulkSlots = new Semaphore(Math.max(1, wantedWorkers - 1), true);
        this.threads = threads;
        ensureWorkers();
    }

    /** Classifies one text, batched with whatever else is waiting. */
    Prediction classify(TextClassifier classifier, String text) {
        return classifyAll(classifier, List.of(text)).get(0);
    }

    /**
     * Classifies the texts of a batch call on the same workers, at once (without waiting for more): forward
     * passes run only on these threads, so the native memory they keep per thread stays bounded.
     */
    List<Prediction> classifyAll(TextClassifier classifier, List<String> texts) {
        return classifyTokenized(classifier, texts.stream().map(classifier::tokenize).toList());
    }

    /** Like {@link #classifyAll}, for texts already split into tokens. */
    List<Prediction> classifyTokenized(TextClassifier classifier, List<List<String>> texts) {
        return await(submit(classifier, texts), System.nanoTime() + timeout.toNanos());
    }

    /**
     * Like {@link #classifyTokenized}, in chunks of {@code max-batch-size} texts queued one after the other, for
     * the many variants of an explanation: requests that arrive meanwhile run between two chunks instead of
     * behind all of them. With more than one worker, chunks of all callers together hold one worker less than
     * there are, so that short requests always find one free. One deadline covers every chunk.
     */
    List<Prediction> classifyInChunks(TextClassifier classifier, List<List<String>> texts) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Prediction> all = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += maxBatch) {
            List<List<String>> chunk = texts.subList(from, Math.min(texts.size(), from + maxBatch));
            try {
                if (!bulkSlots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    throw InferenceUnavailableException.timedOut(timeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for classification", e);
            }
            try {
                all.addAll(await(submit(classifier, chunk), deadline));
            } finally {
                bulkSlots.release();
            }
        }
        return all;
    }

    /**
     * Classifies texts at a lower priority than every interactive call, for classification jobs: in chunks of
     * {@code max-batch-size} texts, each run on its own pass by a worker that finds no interactive request
     * waiting. While interactive requests arrived within the last 250 ms, background passes hold at most one
     * worker less than there are (at least one), so a single text finds a worker free or waits for at most one
     * chunk's pass; when interactive traffic is quiet every worker may run them. No deadline: the caller (a job
     * thread) waits as long as interactive traffic keeps the workers busy, and stops waiting when interrupted.
     */
    List<Prediction> classifyInBackground(TextClassifier classifier, List<List<String>> texts)
            throws InterruptedException {
        if (!running) {
            throw InferenceUnavailableException.noWorkers();
        }
        if (workers.isEmpty() && ensureWorkers() == 0) {
            throw InferenceUnavailableException.noWorkers();
        }
        List<Pending> chunks = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += maxBatch) {
            Pending chunk = new Pending(classifier, texts.subList(from, Math.min(texts.size(), from + maxBatch)),
                    new CompletableFuture<>());
            chunks.add(chunk);
            background.add(chunk);
        }
        if (queue.isEmpty()) {
            queue.offer(WAKE);
        }
        List<Prediction> all = new ArrayList<>(texts.size());
        try {
            for (Pending chunk : chunks) {
                all.addAll(chunk.result().get());
            }
            return all;
        } catch (InterruptedException e) {
            chunks.forEach(c -> {
                background.remove(c);
                c.result().cancel(false);
            });
            throw e;
        } catch (ExecutionException e) {
            chunks.forEach(c -> background.remove(c));
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /**
     * The next background chunk, when one waits and the workers it may use are not all busy with such chunks;
     * counted as running until {@link #loop} is done with it.
     */
    private Pending nextBackground() {
        int allowed = System.nanoTime() - lastInteractive < INTERACTIVE_QUIET_NANOS
                ? Math.max(1, wantedWorkers - 1) : wantedWorkers;
        while (true) {
            int now = backgroundRunning.get();
            if (now >= allowed || background.isEmpty()) {
                return null;
            }
            if (backgroundRunning.compareAndSet(now, now + 1)) {
                Pending next = background.poll();
                if (next == null) {
                    backgroundRunning.decrementAndGet();
                }
                return next;
            }
        }
    }

    private Pending submit(TextClassifier classifier, List<List<String>> texts) {
        lastInteractive = System.nanoTime();
        if (!running) {
            throw ServiceBusyException.queueFull(queued.get());
        }
        if (workers.isEmpty() && ensureWorkers() == 0) {
            throw InferenceUnavailableException.noWorkers();
        }
        int n = texts.size();
        int before;
        do {
            before = queued.get();
            // a call larger than the whole capacity still runs when nothing else waits
            if (before > 0 && before + n > capacity) {
                throw ServiceBusyException.queueFull(before);
            }
        } while (!queued.compareAndSet(before, before + n));
        Pending pending = new Pending(classifier, texts, new CompletableFuture<>());
        queue.add(pending);
        return pending;
    }

    private List<Prediction> await(Pending pending, long deadline) {
        try {
            return pending.result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // still queued: take it out, so that no worker spends time on an answer nobody waits for
            if (queue.remove(pending)) {
                queued.addAndGet(-pending.texts().size());
            }
            pending.result().cancel(false);
            throw InferenceUnavailableException.timedOut(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for classification", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /**
     * Starts workers until {@code inference-threads} run, and returns how many run: fewer when a thread cannot
     * be started (the process is out of threads or memory).
     */
    synchronized int ensureWorkers() {
        while (running && workers.size() < wantedWorkers) {
            Thread worker;
            try {
                worker = threads.newThread(this::work);
                worker.setName("inference-" + started.incrementAndGet());
                worker.setDaemon(true);
                workers.add(worker);
                worker.start();
            } catch (Throwable e) {
                workers.removeIf(t -> t.getState() == Thread.State.NEW);
                log.error("Cannot start an inference worker ({} of {} run): {}", workers.size(), wantedWorkers,
                        e.toString());
                break;
            }
        }
        return workers.size();
    }

    /** Interactive texts waiting for a worker. */
    int queuedTexts() {
        return queued.get();
    }

    /** Texts per forward pass at most ({@code sentiment.classify.batching.max-batch-size}). */
    int maxBatchSize() {
        return maxBatch;
    }

    /** How many workers should run ({@code sentiment.classify.inference-threads}). */
    int wantedWorkers() {
        return wantedWorkers;
    }

    private void work() {
        try {
            loop();
        } finally {
            workers.remove(Thread.currentThread());
            if (running) {
                // whatever ended this worker, another one takes its place (if a thread can still be started)
                ensureWorkers();
            }
        }
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running) {
            try {
                Pending first = take(queue.poll());
                if (first == null) {
                    Pending chunk = nextBackground();
                    if (chunk != null) {
                        try {
                            batch.add(chunk);
                            if (!chunk.result().isDone()) {
                                run(batch);
                            }
                        } finally {
                            backgroundRunning.decrementAndGet();
                        }
                        continue;
                    }
                    // background work that could not start now is looked at again soon
                    first = take(queue.poll(background.isEmpty() ? 100 : 1, TimeUnit.MILLISECONDS));
                }
                if (first == null) {
                    continue;
                }
                batch.add(first);
                boolean single = first.texts().size() == 1;
                int texts = 1;
                if (single) {
                    texts = drain(batch, texts);
                }
                long deadline = System.nanoTime() + maxWaitNanos;
                while (single && texts < maxBatch && maxWaitNanos > 0) {
                    long left = deadline - System.nanoTime();
                    Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (next == null) {
                        break;
                    }
                    queue.offerFirst(next);
                    int before = texts;
                    texts = drain(batch, texts);
                    if (texts == before) {
                        break; // a batch call or an explanation's chunk runs on its own, not in this pass
                    }
                }
                // a caller that gave up has cancelled its answer: nothing to compute for it
                batch.removeIf(p -> p.result().isDone());
                if (!batch.isEmpty()) {
                    run(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                log.error("Inference batch failed", e);
                InferenceUnavailableException failure = InferenceUnavailableException.failed();
                batch.forEach(p -> p.result().completeExceptionally(failure));
                if (e instanceof Error) {
                    return;
                }
            } finally {
                batch.clear();
            }
        }
    }

    /** Counts a request out of the queue; a {@link #WAKE} is nothing to run. */
    private Pending take(Pending p) {
        if (p == WAKE) {
            return null;
        }
        if (p != null) {
            queued.addAndGet(-p.texts().size());
        }
        return p;
    }

    /**
     * Adds the requests waiting at the head of the queue while they fit in {@code max-batch-size} texts
     * with the {@code texts} already in the batch; returns the texts then in it. A larger one stays queued,
     * so that a single text never waits for a batch call's or an explanation's pass to finish with its own.
     */
    private int drain(List<Pending> batch, int texts) {
        while (texts < maxBatch) {
            Pending next = queue.pollFirst();
            if (next == null) {
                break;
            }
            if (next == WAKE) {
                continue;
            }
            if (texts + next.texts().size() > maxBatch) {
                queue.offerFirst(next);
                break;
            }
            batch.add(take(next));
            texts += next.texts().size();
        }
        return texts;
    }

    /** Runs one forward call per model version present in the batch (usually just the active one). */
    private void run(List<Pending> batch) {
        Map<TextClassifier, List<Pending>> byModel = new IdentityHashMap<>();
        for (Pending p : batch) {
            byModel.computeIfAbsent(p.classifier(), k -> new ArrayList<>()).add(p);
        }
        byModel.forEach((classifier, pending) -> {
            List<List<String>> texts = new ArrayList<>();
            pending.forEach(p -> texts.addAll(p.texts()));
            batchSizes.record(texts.size());
            List<Prediction> predictions = classifier.classifyTokenized(texts);
            int offset = 0;
            for (Pending p : pending) {
                p.result().complete(predictions.subList(offset, offset + p.texts().size()));
                offset += p.texts().size();
            }
        });
    }

    /** Lets queued requests finish, then stops the workers. */
    @PreDestroy
    void stop() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        running = false;
        workers.forEach(Thread::interrupt);
    }
}
