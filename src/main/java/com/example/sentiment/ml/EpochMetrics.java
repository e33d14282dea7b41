package com.example.sentiment.ml;

/** What one training epoch achieved. */
public record EpochMetrics(int epoch, double trainLoss, double validationAccuracy, double validationMacroF1,
                           double seconds) {
}
