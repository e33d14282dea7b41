package com.example.sentiment.ml;

import java.util.List;

/**
 * How a classifier did on held-out data.
 *
 * @param confusionMatrix rows are the actual labels, columns the predicted ones, both in {@code labels} order
 * @param accuracyStandardError binomial standard error of the accuracy, {@code sqrt(a (1 - a) / examples)}
 *                              (null in versions from before it was recorded)
 * @param macroF1StandardError the same approximation for macro-F1, {@code sqrt(f (1 - f) / examples)}: F1 is
 *                             not a proportion, but its bootstrap spread on balanced labels is close to this
 */
public record EvaluationReport(
        int examples,
        double accuracy,
        double macroF1,
        List<String> labels,
        List<LabelMetrics> perLabel,
        int[][] confusionMatrix,
        Double accuracyStandardError,
        Double macroF1StandardError) {

    /** {@code sqrt(p (1 - p) / n)}, 0 for no examples. */
    public static double standardError(double proportion, int n) {
        return n <= 0 ? 0 : Math.sqrt(Math.max(0, proportion * (1 - proportion)) / n);
    }

    /** Precision, recall and F1 of one label; support is the number of examples that have it. */
    public record LabelMetrics(String label, double precision, double recall, double f1, int support) {
    }
}
