package com.example.sentiment.ml;

/**
 * What one training epoch achieved.
 *
 * @param validationLoss mean cross-entropy on the validation data (null in records from before it was kept)
 * @param validationAccuracyStandardError binomial standard error of {@code validationAccuracy}
 * @param validationMacroF1StandardError the same approximation for {@code validationMacroF1} (see {@link EvaluationReport})
 * @param learningRate the rate this epoch trained with (halved after an epoch without improvement)
 */
public record EpochMetrics(int epoch, double trainLoss, double validationAccuracy, double validationMacroF1,
                           double seconds, Double validationLoss, Double validationAccuracyStandardError,
                           Double validationMacroF1StandardError, Double learningRate) {
}
