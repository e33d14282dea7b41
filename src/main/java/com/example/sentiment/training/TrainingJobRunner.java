package com.example.sentiment.training;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.dataset.DatasetOptions;
import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.dataset.DatasetReport;
import com.example.sentiment.dataset.PreparedDataset;
import com.example.sentiment.drift.DriftReference;
import com.example.sentiment.feedback.FeedbackStore;
import com.example.sentiment.ml.Calibration;
import com.example.sentiment.ml.ClassifierTrainer;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.Distillation;
import com.example.sentiment.ml.EpochMetrics;
import com.example.sentiment.ml.PretrainedEncoders;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.ml.TrainingFailedException;
import com.example.sentiment.ml.TrainingObserver;
import com.example.sentiment.ml.TrainingResult;
import com.example.sentiment.ml.WordVectorTable;
import com.example.sentiment.model.ModelConflictException;
import com.example.sentiment.model.ModelMetadata;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.model.ModelStorageUnavailableException;
import com.example.sentiment.model.StorageUnreachableException;
import com.example.sentiment.rollout.ShadowGate;
import com.example.sentiment.system.ProblemException;
import com.example.sentiment.vectors.WordVectorsLibrary;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.stereotype.Component;

/**
 * Runs one claimed training job for the {@link TrainingWorker}: reads its data again (with the corrections it
 * was accepted with), trains (a teacher's labels first when it names one), decides whether the new version is
 * activated, stores and publishes it, and records the job's end in the queue. A job whose lease was lost
 * writes nothing; one handed back goes to the queue again.
 */
@Component
class TrainingJobRunner {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobRunner.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final TrainingJobQueue queue;
    private final ModelService models;
    private final TrainingUploadReader reader;
    private final FeedbackStore feedback;
    private final WordVectorsLibrary wordVectors;
    private final ConfigurationSearch search;
    private final PromotionGate promotionGate;
    private final ShadowGate shadowGate;
    private final SentimentProperties properties;

    /**
     * @param encoders the encoders a job's {@code encoder} setting may name
     * @param datasets decides how much heap a job's encoder states may take (half of what its memory budget
     *     counts as free when the job starts); states that need more go to a memory-mapped temporary file
     * @param shadowGate where a version that beat the active one waits when the promotion gate is
     *     {@code shadow-agreement} or {@code feedback-win}
     */
    TrainingJobRunner(TrainingJobQueue queue, ModelService models, TrainingUploadReader reader, FeedbackStore feedback,
                      WordVectorsLibrary wordVectors, SentimentProperties properties, PretrainedEncoders encoders,
                      DatasetReader datasets, ShadowGate shadowGate) {
        this.shadowGate = shadowGate;
        this.queue = queue;
        this.models = models;
        this.reader = reader;
        this.feedback = feedback;
        this.wordVectors = wordVectors;
        this.properties = properties;
        SentimentProperties.CrossValidation crossValidation = properties.training().crossValidation();
        this.search = new ConfigurationSearch(new ClassifierTrainer(properties.training().workerCount(), encoders,
                () -> datasets.freeHeap() / 2),
                new ConfigurationSearch.CrossValidation(crossValidation.maxRows(), crossValidation.folds()),
                properties.training().trainsSecondHeadAlongside());
        this.promotionGate = new PromotionGate(properties.training().promotionMargin());
    }

    /**
     * Runs the job of {@code lease} to its end, recorded in the queue: trained and published, cancelled, handed
     * back or failed; nothing is recorded once its lease is lost.
     *
     * @param heartbeat renews the lease and records progress (called after every epoch, besides the worker's
     *     own beats)
     * @throws JobQueueUnavailableException when the queue cannot be reached to record the end: the lease runs
     *     out and the job goes to a worker that can reach it
     */
    void run(TrainingJobQueue.JobLease lease, TrainingJob job, Runnable heartbeat) {
        try {
            PreparedDataset data = lease.input().prepare((file, validation) -> reader.data(file, validation,
                    job.config(), corrections(job)));
            job.recordDataset(data.report());
            String vectors = job.config().hyperParameters().wordVectors();
            WordVectorTable table = vectors == null ? null : wordVectors.get(vectors);
            TrainingObserver observer = new HeartbeatingObserver(job, heartbeat);
            // each candidate reads its view of the rows, and its version gets that view's vocabulary (and encoder)
            List<ConfigurationSearch.View> views = data.views(job.config().hyperParameters().encoder());
            Distillation distillation = job.config().distillation();
            if (distillation != null && data.train().multiLabel()) {
                throw new TrainingFailedException("a teacher distils single-label models only: this job's data is "
                        + "multi-label (leave teacher out, or set \"task\": \"single-label\")");
            }
            if (distillation != null) {
                TextClassifier teacher = teacher(distillation.teacher(), data.labels());
                DistilledDataset distilled = DistilledDataset.build(data, teacher, table, distillation,
                        job.config().hyperParameters(), properties.training().labellingThreads(), observer,
                        job::shouldStop);
                if (distilled != null) {
                    job.recordDistillation(distilled.distillation());
                    // a student reads word ids only (no encoder candidate is tried with a teacher)
                    views = List.of(new ConfigurationSearch.View(null, distilled.vocabulary(), distilled.train(),
                            distilled.validation()));
                }
            }
            // null when the job stopped while its teacher labelled
            ConfigurationSearch.Outcome outcome = job.shouldStop() ? null : search.train(views, data.labels(),
                    job.config().candidates(), job.config().timeBudgetSeconds(), table, observer, job::shouldStop);
            TrainingResult result = outcome == null ? null : outcome.result();
            boolean cancelled = result == null || result.cancelled();
            if (!cancelled) {
                job.recordCandidates(outcome.candidates(), result);
            }
            if (job.leaseLost()) {
                log.info("Training job {}: attempt {} ends without writing, its lease was lost", job.id(), lease.attempt());
            } else if (job.handedBack()) {
                job.finish(TrainingJobState.CANCELLED, null, null);
                queue.release(lease, job.view());
                log.info("Training job {} handed back: worker {} stops", job.id(), lease.worker());
            } else if (cancelled) {
                job.finish(TrainingJobState.CANCELLED, null, null);
                end(lease, job);
                log.info("Training job {} cancelled", job.id());
            } else {
                // the kept model's answers on the validation texts, read once for the drift reference and calibration
                List<Prediction> answers = data.heldOutTexts() == null ? null
                        : result.classifier().classify(data.heldOutTexts().texts());
                // calibrated first: the reference profiles the answers as the version will serve them (live traffic
                // is counted calibrated, so a reference at temperature 1 would put every confidence on another scale)
                Calibration calibration = calibration(job, data, result, answers);
                publish(lease, job, data, result, outcome.candidates(),
                        driftReference(views, result, answers, calibration), calibration);
            }
        } catch (JobQueueUnavailableException e) {
            throw e;
        } catch (TrainingFailedException e) {
            fail(lease, job, e.getMessage(), null);
        } catch (ProblemException e) {
            // the data was read again by the worker and refused (invalid, or too large for this worker's memory)
            fail(lease, job, e.getMessage(), null);
        } catch (java.io.IOException e) {
            // the job's error is readable through the API: the reason without paths or the store's address
            fail(lease, job, "could not store the model: " + ModelStorageUnavailableException.clientReason(e), e);
        } catch (OutOfMemoryError e) {
            fail(lease, job, "ran out of memory: use a smaller batch size, model or maximum sequence length", null);
        } catch (RuntimeException e) {
            fail(lease, job, "training failed unexpectedly (the service's log has the details)", e);
        }
    }

    /**
     * The teacher of a job: its version as the model service loads it (perhaps the one it serves), if it still
     * knows the job's labels (it was checked when the job was submitted, but may have been replaced since).
     */
    private TextClassifier teacher(String id, List<String> labels) {
        TextClassifier teacher = models.resolve(id).classifier();
        List<String> unknown = DistilledDataset.unknownToTeacher(teacher.labels(), labels);
        if (!unknown.isEmpty()) {
            throw new TrainingFailedException("the teacher " + id + " does not know the labels " + unknown);
        }
        return teacher;
    }

    /**
     * The version's drift reference: the kept model's answers on the validation texts, or when the job kept none,
     * its predictions for the validation rows as the view it was trained on encodes them (word ids of its
     * vocabulary, or its encoder's pieces); either scaled by the version's calibration, as it will serve them.
     *
     * @param calibration the version's calibration, or null when it serves its probabilities as they are
     */
    private static Map<String, byte[]> driftReference(List<ConfigurationSearch.View> views, TrainingResult result,
                                                      List<Prediction> answers, Calibration calibration) {
        if (answers != null) {
            return DriftReference.files(result.classifier().labels(), served(answers, calibration));
        }
        String encoder = result.hyperParameters().encoder();
        for (ConfigurationSearch.View view : views) {
            if (view.leftOut() == null && Objects.equals(view.encoder(), encoder)) {
                TextClassifier classifier = result.classifier();
                return DriftReference.files(classifier.labels(),
                        served(classifier.classifyEncoded(view.validation()), calibration));
            }
        }
        log.warn("No validation rows of the kept model's view: its version has no drift reference");
        return Map.of();
    }

    /** The fresh classifier's answers (temperature 1) as the version serves them with {@code calibration}. */
    private static List<Prediction> served(List<Prediction> answers, Calibration calibration) {
        return calibration == null ? answers : answers.stream().map(calibration::applyTo).toList();
    }

    private void publish(TrainingJobQueue.JobLease lease, TrainingJob job, PreparedDataset data, TrainingResult result,
                         List<ConfigurationSearch.CandidateReport> candidates, Map<String, byte[]> further,
                         Calibration calibration) throws java.io.IOException {
        ModelMetadata metadata = metadata(lease, job, data, result, candidates).withCalibration(calibration);
        boolean activate = job.config().activate() == Activation.ALWAYS;
        Promotion decided = null;
        if (job.config().activate() == Activation.IF_BETTER) {
            Promotion promotion = promotionGate.decide(result.classifier(), models.active(), data.labels(),
                    data.heldOutTexts());
            if (promotion.activated() && promotion.activeModelId() != null && shadowGate.enabled()) {
                // better on held-out data: it must now prove itself as the shadow version on live traffic
                promotion = promotion.awaitingShadowGate(shadowGate.describe());
            }
            job.recordPromotion(promotion);
            activate = promotion.activated();
            log.info("Training job {}: {} ({})", job.id(), promotion.decision(), promotion.reason());
            decided = promotion;
        }
        Promotion gated = decided != null && Promotion.AWAITING_SHADOW_GATE.equals(decided.decision()) ? decided : null;
        Optional<String> published = queue.succeed(lease, activate,
                activateHere -> store(job, result, metadata, further, activateHere),
                modelId -> {
                    if (gated != null) {
                        awaitShadowGate(job, gated, modelId);
                    }
                    job.recordTrainingSpeed(result.examplesPerSecond(), result.tokensPerSecond());
                    job.finish(TrainingJobState.SUCCEEDED, null, modelId);
                    return job.view();
                });
        if (published.isEmpty()) {
            log.warn("Training job {}: attempt {} lost its lease before it could publish; nothing was activated",
                    job.id(), lease.attempt());
        } else {
            log.info("Training job {} succeeded: model {} with validation accuracy {}", job.id(), published.get(),
                    String.format("%.4f", result.evaluation().accuracy()));
        }
    }

    /** Makes the new version the gated shadow; when that fails, the job says it is stored and not active. */
    private void awaitShadowGate(TrainingJob job, Promotion promotion, String modelId) {
        try {
            shadowGate.await(modelId, job.id(), promotion.activeModelId(), String.format(java.util.Locale.ROOT,
                    "held-out F1 %.4f against %.4f on %d examples", promotion.candidateMacroF1(),
                    promotion.activeMacroF1(), promotion.examples()));
        } catch (RuntimeException e) {
            log.warn("Training job {}: model {} could not become the shadow version: {}", job.id(), modelId,
                    e.getMessage(), e);
            job.recordPromotion(promotion.shadowGateUnavailable(e.getMessage()));
        }
    }

    /**
     * Temperature scaling fitted on the job's validation texts, with its precision curve and the job's abstention
     * defaults; null when there are none (or the fit fails: the version then serves its probabilities as they are).
     * The classifier is the fresh one, which answers its raw probabilities.
     *
     * @param answers the classifier's answers on the validation texts
     */
    private Calibration calibration(TrainingJob job, PreparedDataset data, TrainingResult result,
                                    List<Prediction> answers) {
        com.example.sentiment.ml.LabelledTexts validation = data.heldOutTexts();
        // temperature scaling calibrates a softmax; a multi-label version's labels have their own thresholds
        if (validation == null || validation.size() == 0 || result.classifier().multiLabel()) {
            return null;
        }
        try {
            Calibration fitted = Calibration.fit(data.labels(), answers, validation.labels()).withDefaults(job.config().targetPrecision(), job.config().ambiguityMargin());
            log.info("Training job {}: temperature {} brings the validation ECE from {} to {}", job.id(),
                    String.format("%.3f", fitted.temperature()), String.format("%.4f", fitted.eceBefore()),
                    String.format("%.4f", fitted.eceAfter()));
            return fitted;
        } catch (RuntimeException e) {
            log.warn("Training job {}: no calibration ({}); the version serves its probabilities as they are",
                    job.id(), e.getMessage(), e);
            return null;
        }
    }

    /**
     * Stores the version, trying again while the repository cannot be reached (an object store restarting),
     * for up to one lease and only while the lease holds: a job that trained for minutes must not fail on a
     * storage outage of seconds, and the job is not SUCCEEDED before its version is written and verified. The
     * id is this attempt's own, so a conflict after a failed try means that try's write did land.
     */
    private String store(TrainingJob job, TrainingResult result, ModelMetadata metadata,
                         Map<String, byte[]> further, boolean activateHere) throws java.io.IOException {
        RetryTemplate stores = new RetryTemplate(properties.retry().modelStore().policy()
                .includes(StorageUnreachableException.class).predicate(e -> !job.leaseLost())
                .timeout(properties.queue().lease()).build());
        int[] attempts = {0};
        try {
            return stores.execute(() -> {
                attempts[0]++;
                try {
                    return models.register(result.classifier(), metadata, further, activateHere).id();
                } catch (ModelConflictException e) {
                    if (attempts[0] == 1 || !models.exists(metadata.id())) {
                        throw e;
                    }
                    if (activateHere) {
                        models.activate(metadata.id());
                    }
                    return metadata.id();
                } catch (StorageUnreachableException e) {
                    log.warn("Training job {}: cannot store model {} yet ({}); trying again while the lease holds",
                            job.id(), metadata.id(), e.getMessage());
                    throw e;
                }
            });
        } catch (RetryException e) {
            // the last failure: out of time, lease lost, interrupted, or one that no retry helps
            if (e.getCause() instanceof java.io.IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void fail(TrainingJobQueue.JobLease lease, TrainingJob job, String error, Exception cause) {
        if (job.leaseLost()) {
            return;
        }
        job.finish(TrainingJobState.FAILED, error, null);
        if (cause != null) {
            log.error("Training job {} failed", job.id(), cause);
        } else {
            log.warn("Training job {} failed: {}", job.id(), error);
        }
        end(lease, job);
    }

    private void end(TrainingJobQueue.JobLease lease, TrainingJob job) {
        if (!queue.finish(lease, job.view())) {
            log.warn("Training job {}: attempt {} had lost its lease; its end was not recorded", job.id(), lease.attempt());
        }
    }

    /** The stored corrections the API added when it accepted the job: those given before the job was created. */
    private List<DatasetOptions.Correction> corrections(TrainingJob job) {
        return TrainingUploadReader.corrections(feedback, job.config(), job.createdAt());
    }

    /**
     * The version's metadata. Its id is one per job attempt, so that storing it again after a failed attempt at
     * storing cannot make two versions of one attempt (a store that assigns ids itself replaces it).
     */
    private static ModelMetadata metadata(TrainingJobQueue.JobLease lease, TrainingJob job, PreparedDataset data,
                                          TrainingResult result, List<ConfigurationSearch.CandidateReport> candidates) {
        DatasetReport report = data.report();
        ModelMetadata.DatasetFingerprint fingerprint = new ModelMetadata.DatasetFingerprint(report.sha256(),
                report.rowsUsed(), report.trainExamples(), report.validationExamples(), report.examplesPerLabel(),
                report.validationSource(), report.validationDuplicatesRemoved());
        return new ModelMetadata(versionId(lease), job.config().name(), Instant.now(), job.id(), data.labels(),
                result.hyperParameters(), result.vocabularySize(), result.wordVectorsCovered(),
                result.classifier().parameterCount(), result.evaluation(), fingerprint, result.history(),
                result.bestEpoch(), result.trainingSeconds(), null, null, null,
                candidates.size() > 1 ? candidates : null,
                result.memberEvaluations().isEmpty() ? null : result.memberEvaluations(), job.view().distillation());
    }

    /** {@code <claim time>-<4 hex digits of the job id and attempt>}: sorts by time like every version id. */
    static String versionId(TrainingJobQueue.JobLease lease) {
        Instant claimed = lease.view().startedAt() != null ? lease.view().startedAt() : Instant.now();
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((lease.jobId() + "#" + lease.attempt()).getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return STAMP.format(claimed) + "-" + HexFormat.of().formatHex(digest, 0, 2);
    }

    /** Progress for the job's view; every epoch is also written to the queue, so a restart shows how far it came. */
    private static final class HeartbeatingObserver implements TrainingObserver {
        private final TrainingJob job;
        private final Runnable heartbeat;

        HeartbeatingObserver(TrainingJob job, Runnable heartbeat) {
            this.job = job;
            this.heartbeat = heartbeat;
        }

        @Override
        public void onStart(int examples, long tokens) {
            job.onStart(examples, tokens);
        }

        @Override
        public void onEncoding(int done, int total) {
            job.onEncoding(done, total);
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
        public void onLabelling(int labelled, int total) {
            job.onLabelling(labelled, total);
        }

        @Override
        public void onSearch(int plannedTrainings) {
            job.onSearch(plannedTrainings);
        }

        @Override
        public void onFold(int fold, int folds) {
            job.onFold(fold, folds);
        }

        @Override
        public void onEpoch(EpochMetrics metrics) {
            job.onEpoch(metrics);
            heartbeat.run();
        }
    }
}
