package com.example.sentiment.ml;

import java.util.List;

/**
 * The outcome of {@link ClassifierTrainer#train}.
 *
 * @param classifier the best epoch's model; {@code null} when cancelled
 * @param evaluation the best model on the validation data; {@code null} when cancelled
 * @param bestEpoch the epoch whose weights were kept (1-based)
 */
public record TrainingResult(
        boolean cancelled,
        TextClassifier classifier,
        EvaluationReport evaluation,
        List<EpochMetrics> history,
        int bestEpoch,
        int vocabularySize,
        double trainingSeconds,
        double examplesPerSecond,
        double tokensPerSecond) {
}
