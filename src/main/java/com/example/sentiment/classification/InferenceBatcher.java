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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Dynamic batching of single-text requests: concurrent requests wait in a bounded queue, and each worker
 * takes what is there (up to {@code max-batch-size} requests, waiting at most {@code max-wait} for more) and
 * classifies it in one call, where the classifier sorts by length and runs few, well-filled forward passes.
 * A full queue is refused at once with 503 instead of letting latency grow without bound. Batch calls go
 * through the same workers as one request each, so every forward pass runs on these few threads.
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

    private final BlockingQueue<Pending> queue;
    private final DistributionSummary batchSizes;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;

    InferenceBatcher(SentimentProperties properties, MeterRegistry meters) {
        SentimentProperties.Batching settings = properties.classify().batching();
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        Gauge.builder("sentiment.inference.queue", queue, BlockingQueue::size)
                .description("Classification requests waiting for a worker (a batch call counts as one)").register(meters);
        this.batchSizes = DistributionSummary.builder("sentiment.inference.batch.size")
                .description("Texts per merged forward call").register(meters);
        this.maxBatch = settings.maxBatchSize();
        this.maxWaitNanos = TimeUnit.MICROSECONDS.toNanos(settings.maxWaitMicros());
        for (int i = 0; i < properties.classify().inferenceThreadCount(); i++) {
            Thread worker = new Thread(this::work, "inference-" + (i + 1));
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
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

    /** Like {@link #classifyAll}, for texts already split into tokens (such as an explanation's variants). */
    List<Prediction> classifyTokenized(TextClassifier classifier, List<List<String>> texts) {
        CompletableFuture<List<Prediction>> result = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(classifier, texts, result))) {
            throw ServiceBusyException.queueFull(queue.size());
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for classification", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private void work() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                boolean single = first.texts().size() == 1;
                if (single) {
                    queue.drainTo(batch, maxBatch - batch.size());
                }
                long deadline = System.nanoTime() + maxWaitNanos;
                while (single && batch.size() < maxBatch && maxWaitNanos > 0) {
                    long left = deadline - System.nanoTime();
                    Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, maxBatch - batch.size());
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("Inference batch failed", e);
                batch.forEach(p -> p.result().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
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
