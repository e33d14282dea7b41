package com.example.sentiment.training;

import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.EpochMetrics;
import com.example.sentiment.ml.HyperParameters;
import java.time.Instant;
import java.util.List;

/**
 * A training job as clients see it and as it is stored on disk.
 *
 * @param history one entry per finished epoch
 * @param modelId the model version written when the job succeeded
 * @param promotion what {@code "activate": "if-better"} decided; null otherwise
 * @param candidates the configurations a job with {@code "preset": "auto"} tried, with their figures and the one
 *                   it kept; filled in when training ends
 */
public record TrainingJobView(
        String id,
        String name,
        TrainingJobState state,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Progress progress,
        Metrics metrics,
        List<EpochMetrics> history,
        DatasetReport dataset,
        HyperParameters hyperParameters,
        Activation activate,
        String error,
        String modelId,
        Promotion promotion,
        List<ConfigurationSearch.CandidateReport> candidates) {

    /** How far training is; {@code etaSeconds} is null until the first batch finished. */
    public record Progress(int epoch, int totalEpochs, int batch, int totalBatches, double percent, Long etaSeconds,
                           Double examplesPerSecond, Double tokensPerSecond) {
        static final Progress NONE = new Progress(0, 0, 0, 0, 0, null, null, null);
    }

    /**
     * The latest figures: loss of the last batch, validation figures of the last epoch with their standard
     * errors (see {@link com.example.sentiment.ml.EvaluationReport}), and the learning rate now.
     */
    public record Metrics(Double trainLoss, Double validationAccuracy, Double validationMacroF1,
                          Double validationAccuracyStandardError, Double validationMacroF1StandardError,
                          Double learningRate) {
        static final Metrics NONE = new Metrics(null, null, null, null, null, null);
    }
}
