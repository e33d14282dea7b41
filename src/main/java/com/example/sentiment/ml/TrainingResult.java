package com.example.sentiment.ml;

import java.util.List;

/**
 * The outcome of {@link ClassifierTrainer#train}.
 *
 * @param classifier the best epoch's model; {@code null} when cancelled
 * @param evaluation the best model on the validation data; {@code null} when cancelled
 * @param hyperParameters the settings as trained (the embedding size follows pre-computed vectors)
 * @param bestEpoch the epoch whose weights were kept (1-based)
 * @param wordVectorsCovered vocabulary words found in the pre-computed vectors; null without them
 * @param memberEvaluations for an ensemble, each member alone on the validation data (empty for one network)
 */
public record TrainingResult(
        boolean cancelled,
        TextClassifier classifier,
        EvaluationReport evaluation,
        HyperParameters hyperParameters,
        List<EpochMetrics> history,
        int bestEpoch,
        int vocabularySize,
        Integer wordVectorsCovered,
        double trainingSeconds,
        double examplesPerSecond,
        double tokensPerSecond,
        List<EvaluationReport> memberEvaluations) {
}
