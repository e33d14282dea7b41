package com.example.sentiment.training;

import com.example.sentiment.dataset.DatasetReport;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.Distillation;
import com.example.sentiment.ml.EpochMetrics;
import com.example.sentiment.ml.HyperParameters;
import java.time.Instant;
import java.util.List;

/**
 * A training job as clients see it and as its queue stores it (a JSON file, or a row's JSON).
 *
 * @param worker the worker that runs or ran the job ({@code sentiment.queue.worker-name}, its health and metrics
 *               address); null while it waits
 * @param attempts how often a worker claimed the job: more than 1 when a worker lost it and another took it over
 * @param history one entry per finished epoch
 * @param modelId the model version written when the job succeeded
 * @param promotion what {@code "activate": "if-better"} decided; null otherwise
 * @param candidates the configurations a job with {@code "preset": "auto"} tried, with their figures and the one
 *                   it kept; filled in when training ends
 * @param distillation the teacher a job with {@code teacher} learns from, its augmentation and teacher weight;
 *                     null for a job that learns from its labels alone
 */
public record TrainingJobView(
        String id,
        String name,
        TrainingJobState state,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String worker,
        int attempts,
        Progress progress,
        Metrics metrics,
        List<EpochMetrics> history,
        DatasetReport dataset,
        HyperParameters hyperParameters,
        Activation activate,
        String error,
        String modelId,
        Promotion promotion,
        List<ConfigurationSearch.CandidateReport> candidates,
        Distillation distillation) {

    /** A job just submitted: QUEUED, with what its upload was found to hold. */
    static TrainingJobView queued(String id, TrainingConfig.ResolvedTrainingConfig config, DatasetReport report,
                                  Instant createdAt) {
        return new TrainingJobView(id, config.name(), TrainingJobState.QUEUED, createdAt, null, null, null, 0,
                Progress.NONE, Metrics.NONE, List.of(), report, config.hyperParameters(), config.activate(), null, null,
                null, null, config.distillation());
    }

    /** This view with the fields the queue owns: where the job is, who runs it, since when, and how it ended. */
    TrainingJobView withQueueState(TrainingJobState newState, Instant newStartedAt, Instant newFinishedAt,
                                   String newWorker, int newAttempts, String newError, String newModelId) {
        return new TrainingJobView(id, name, newState, createdAt, newStartedAt, newFinishedAt, newWorker, newAttempts,
                progress, metrics, history, dataset, hyperParameters, activate, newError, newModelId, promotion,
                candidates, distillation);
    }

    /**
     * How far training is; {@code etaSeconds} is null until the first batch finished. A configuration search
     * trains its candidates one after the other: {@code epoch} counts within the current one, {@code candidate}
     * (from 1) of {@code totalCandidates} says which one that is (both null for a job of one configuration).
     *
     * @param totalEpochs the most epochs the current candidate trains: {@code epochs}, plus {@code fineTuneEpochs}
     *                    when a second phase fine-tunes frozen word vectors; {@code epoch} never exceeds it
     * @param percent over all trainings of the search, each counted as its most epochs
     * @param textsEncoded with an encoder: the texts (training and validation) whose encoder states are computed
     *                     so far, which happens once, before the first epoch; null without an encoder
     * @param textsToEncode with an encoder: all of them; null without an encoder
     * @param labelling how far the teacher of a job with {@code teacher} labelled its texts, which comes before
     *                  training (percent stays 0 until it is done); null for other jobs
     * @param fold when a search on a small file cross-validates its candidates (after training each on all
     *             training rows), the fold (from 1) of {@code totalFolds} the current candidate trains: a model
     *             trained on the other folds. Null otherwise
     */
    public record Progress(int epoch, int totalEpochs, int batch, int totalBatches, double percent, Long etaSeconds,
                           Double examplesPerSecond, Double tokensPerSecond, Integer candidate,
                           Integer totalCandidates, String candidateName, Integer textsEncoded,
                           Integer textsToEncode, Labelling labelling, Integer fold, Integer totalFolds) {
        static final Progress NONE = new Progress(0, 0, 0, 0, 0, null, null, null, null, null, null);

        /** Progress of a job that neither encodes nor labels its texts before training, nor cross-validates. */
        public Progress(int epoch, int totalEpochs, int batch, int totalBatches, double percent, Long etaSeconds,
                        Double examplesPerSecond, Double tokensPerSecond, Integer candidate, Integer totalCandidates,
                        String candidateName) {
            this(epoch, totalEpochs, batch, totalBatches, percent, etaSeconds, examplesPerSecond, tokensPerSecond,
                    candidate, totalCandidates, candidateName, null, null, null, null, null);
        }
    }

    /**
     * The teacher's labelling of the training texts and their augmented copies.
     *
     * @param etaSeconds until the labelling is done (training comes after it)
     */
    public record Labelling(int labelled, int total, Double textsPerSecond, Long etaSeconds) {
    }

    /**
     * While the job runs, the latest figures: loss of the last batch, validation figures of the last epoch with
     * their standard errors (see {@link com.example.sentiment.ml.EvaluationReport}), and the learning rate now.
     * Once it succeeded, those of the version it stored: the kept candidate's evaluation, with the training loss
     * and learning rate of its kept epoch.
     */
    public record Metrics(Double trainLoss, Double validationAccuracy, Double validationMacroF1,
                          Double validationAccuracyStandardError, Double validationMacroF1StandardError,
                          Double learningRate) {
        static final Metrics NONE = new Metrics(null, null, null, null, null, null);
    }
}
