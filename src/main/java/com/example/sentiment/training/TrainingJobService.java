package com.example.sentiment.training;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.ClassifierTrainer;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.TrainingFailedException;
import com.example.sentiment.ml.TrainingResult;
import com.example.sentiment.model.ModelMetadata;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.vectors.WordVectorsLibrary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Runs training jobs on a bounded executor (one at a time by default); more wait as QUEUED and a full
 * queue refuses new jobs. Each job trains its own network, so serving never waits on training; a job that
 * succeeds becomes a new model version and, unless asked otherwise, the active one ({@code "if-better"}: only
 * when it beats the active one, see {@link PromotionGate}).
 */
@Service
public class TrainingJobService {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobService.class);
    static final String INTERRUPTED = "interrupted by restart";

    private final ModelService models;
    private final TrainingJobStore store;
    private final SentimentProperties.Training settings;
    private final ConfigurationSearch search;
    private final PromotionGate promotionGate;
    private final WordVectorsLibrary wordVectors;
    private final Map<String, TrainingJob> jobs = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor executor;
    private final MeterRegistry meters;

    TrainingJobService(ModelService models, TrainingJobStore store, SentimentProperties properties,
                       WordVectorsLibrary wordVectors, MeterRegistry meters) {
        this.meters = meters;
        this.models = models;
        this.store = store;
        this.settings = properties.training();
        this.search = new ConfigurationSearch(new ClassifierTrainer(settings.workerCount()));
        this.promotionGate = new PromotionGate(settings.promotionMargin());
        this.wordVectors = wordVectors;
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.concurrentJobs(), settings.concurrentJobs(), 0,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(settings.queueCapacity()), r -> {
                    Thread t = new Thread(r, "training-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        restore();
        registerMetrics();
    }

    private void registerMetrics() {
        for (TrainingJobState state : TrainingJobState.values()) {
            Gauge.builder("sentiment.training.jobs", () -> jobs.values().stream().filter(j -> j.state() == state).count())
                    .description("Training jobs by state").tag("state", state.name()).register(meters);
        }
        gauge("sentiment.training.current.epoch", "Epoch of the running job", v -> (double) v.progress().epoch());
        gauge("sentiment.training.current.batch", "Batch of the running job", v -> (double) v.progress().batch());
        gauge("sentiment.training.current.loss", "Latest minibatch loss of the running job", v -> v.metrics().trainLoss());
        gauge("sentiment.training.current.validation.accuracy", "Latest validation accuracy of the running job",
                v -> v.metrics().validationAccuracy());
        gauge("sentiment.training.examples.per.second", "Training throughput of the running job",
                v -> v.progress().examplesPerSecond());
        gauge("sentiment.training.tokens.per.second", "Training throughput of the running job in tokens",
                v -> v.progress().tokensPerSecond());
    }

    private void gauge(String name, String description, java.util.function.Function<TrainingJobView, Double> value) {
        Gauge.builder(name, () -> running().map(value).filter(java.util.Objects::nonNull).orElse(Double.NaN))
                .description(description).register(meters);
    }

    /** Queues a job on prepared data; refuses with 503 when every slot and queue place is taken. */
    public TrainingJobView submit(PreparedDataset data, TrainingConfig.ResolvedTrainingConfig config) {
        TrainingJob job = new TrainingJob(UUID.randomUUID().toString(), config, data);
        jobs.put(job.id(), job);
        try {
            job.attach(executor.submit(() -> run(job)));
        } catch (RejectedExecutionException e) {
            jobs.remove(job.id());
            throw TrainingQueueFullException.withCapacity(executor.getActiveCount(), executor.getQueue().size());
        }
        store.save(job.view());
        log.info("Queued training job {} ({} training / {} validation examples)", job.id(),
                data.train().size(), data.validation().size());
        return job.view();
    }

    public TrainingJobView get(String id) {
        return find(id).view();
    }

    /** Every job, newest first. */
    public List<TrainingJobView> list() {
        List<TrainingJob> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparing(TrainingJob::createdAt).reversed());
        return all.stream().map(TrainingJob::view).toList();
    }

    /** Stops a job: a queued one at once, a running one within one minibatch. */
    public TrainingJobView cancel(String id) {
        TrainingJob job = find(id);
        if (job.requestCancel() && job.state() == TrainingJobState.CANCELLED) {
            // a cancelled job must not keep its queue place
            executor.purge();
            store.save(job.view());
            log.info("Cancelled queued training job {}", id);
        }
        return job.view();
    }

    public Optional<TrainingJobView> running() {
        return jobs.values().stream().filter(j -> j.state() == TrainingJobState.RUNNING).map(TrainingJob::view).findFirst();
    }

    public long queued() {
        return jobs.values().stream().filter(j -> j.state() == TrainingJobState.QUEUED).count();
    }

    private TrainingJob find(String id) {
        TrainingJob job = id == null ? null : jobs.get(id);
        if (job == null) {
            throw TrainingJobNotFoundException.forId(id);
        }
        return job;
    }

    private void run(TrainingJob job) {
        PreparedDataset data = job.takeData();
        if (data == null || !job.start()) {
            return;
        }
        store.save(job.view());
        log.info("Training job {} started", job.id());
        try {
            String vectors = job.config().hyperParameters().wordVectors();
            ConfigurationSearch.Outcome outcome = search.train(data.vocabulary(), data.train(), data.validation(),
                    data.labels(), job.config().candidates(), job.config().timeBudgetSeconds(),
                    vectors == null ? null : wordVectors.get(vectors), new PersistingObserver(job), job::cancelRequested);
            TrainingResult result = outcome.result();
            job.recordCandidates(outcome.candidates(), result.history());
            if (result.cancelled()) {
                job.finish(TrainingJobState.CANCELLED, null, null);
                log.info("Training job {} cancelled", job.id());
            } else {
                ModelMetadata metadata = metadata(job, data, result, outcome.candidates());
                boolean activate = job.config().activate() == Activation.ALWAYS;
                if (job.config().activate() == Activation.IF_BETTER) {
                    Promotion promotion = promotionGate.decide(result.classifier(), models.active(), data.labels(),
                            data.heldOutTexts());
                    job.recordPromotion(promotion);
                    activate = promotion.activated();
                    log.info("Training job {}: {} ({})", job.id(), promotion.decision(), promotion.reason());
                }
                ModelMetadata stored = models.register(result.classifier(), metadata, activate);
                job.recordTrainingSpeed(result.examplesPerSecond(), result.tokensPerSecond());
                job.finish(TrainingJobState.SUCCEEDED, null, stored.id());
                log.info("Training job {} succeeded: model {} with validation accuracy {}", job.id(), stored.id(),
                        String.format("%.4f", result.evaluation().accuracy()));
            }
        } catch (TrainingFailedException e) {
            job.finish(TrainingJobState.FAILED, e.getMessage(), null);
            log.warn("Training job {} failed: {}", job.id(), e.getMessage());
        } catch (java.io.IOException e) {
            job.finish(TrainingJobState.FAILED, "could not store the model: " + e.getMessage(), null);
            log.error("Training job {} could not store its model", job.id(), e);
        } catch (OutOfMemoryError e) {
            job.finish(TrainingJobState.FAILED, "ran out of memory: use a smaller batch size, model or maximum "
                    + "sequence length", null);
            log.error("Training job {} ran out of memory", job.id());
        } catch (RuntimeException e) {
            job.finish(TrainingJobState.FAILED, "training failed: " + e.getMessage(), null);
            log.error("Training job {} failed", job.id(), e);
        } finally {
            TrainingJobView finished = job.view();
            store.save(finished);
            if (finished.startedAt() != null && finished.finishedAt() != null) {
                Timer.builder("sentiment.training.duration").description("Training job duration")
                        .tag("state", finished.state().name()).register(meters)
                        .record(java.time.Duration.between(finished.startedAt(), finished.finishedAt()));
            }
        }
    }

    private static ModelMetadata metadata(TrainingJob job, PreparedDataset data, TrainingResult result,
                                          List<ConfigurationSearch.CandidateReport> candidates) {
        DatasetReport report = data.report();
        ModelMetadata.DatasetFingerprint fingerprint = new ModelMetadata.DatasetFingerprint(report.sha256(),
                report.rowsUsed(), report.trainExamples(), report.validationExamples(), report.examplesPerLabel(),
                report.validationSource(), report.validationDuplicatesRemoved());
        return new ModelMetadata(null, job.config().name(), Instant.now(), job.id(), data.labels(),
                result.hyperParameters(), result.vocabularySize(), result.wordVectorsCovered(),
                result.classifier().parameterCount(), result.evaluation(), fingerprint, result.history(),
                result.bestEpoch(), result.trainingSeconds(), null, null, null,
                candidates.size() > 1 ? candidates : null,
                result.memberEvaluations().isEmpty() ? null : result.memberEvaluations());
    }

    /** Records every epoch on disk so that a restart shows how far a job had come. */
    private final class PersistingObserver implements com.example.sentiment.ml.TrainingObserver {
        private final TrainingJob job;

        PersistingObserver(TrainingJob job) {
            this.job = job;
        }

        @Override
        public void onStart(int examples, long tokens) {
            job.onStart(examples, tokens);
        }

        @Override
        public void onBatch(int epoch, int batch, int totalBatches, double loss) {
            job.onBatch(epoch, batch, totalBatches, loss);
        }

        @Override
        public void onCandidate(int index, int count, String name) {
            job.onCandidate(index, count, name);
        }

        @Override
        public void onEpoch(com.example.sentiment.ml.EpochMetrics metrics) {
            job.onEpoch(metrics);
            store.save(job.view());
        }
    }

    /** Jobs of earlier runs; those that were queued or running when the process died are failed. */
    private void restore() {
        for (TrainingJobView view : store.loadAll()) {
            TrainingJob job = TrainingJob.restored(view);
            if (!view.state().isFinal()) {
                job.finish(TrainingJobState.FAILED, INTERRUPTED, null);
                store.save(job.view());
                log.warn("Training job {} was {} when the service stopped: marked FAILED", view.id(), view.state());
            }
            jobs.put(job.id(), job);
        }
    }

    /** Cancels running and queued jobs so that shutdown records them as cancelled rather than interrupted. */
    @PreDestroy
    void shutdown() {
        for (TrainingJob job : jobs.values()) {
            if (!job.state().isFinal()) {
                job.requestCancel();
                if (job.state() == TrainingJobState.CANCELLED) {
                    store.save(job.view());
                }
            }
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("A training job did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
