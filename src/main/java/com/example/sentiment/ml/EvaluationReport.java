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
 * @param multiLabel for a multi-label version, its own figures (then {@code accuracy} is the subset accuracy,
 *                   {@code macroF1} the mean of the per-label F1 at the tuned thresholds, {@code perLabel} the
 *                   one-vs-rest figures of each label and {@code confusionMatrix} empty); null for single-label
 */
public record EvaluationReport(
        int examples,
        double accuracy,
        double macroF1,
        List<String> labels,
        List<LabelMetrics> perLabel,
        int[][] confusionMatrix,
        Double accuracyStandardError,
        Double macroF1StandardError,
        MultiLabelFigures multiLabel) {

    /** A single-label report. */
    public EvaluationReport(int examples, double accuracy, double macroF1, List<String> labels,
                            List<LabelMetrics> perLabel, int[][] confusionMatrix, Double accuracyStandardError,
                            Double macroF1StandardError) {
        this(examples, accuracy, macroF1, labels, perLabel, confusionMatrix, accuracyStandardError,
                macroF1StandardError, null);
    }

    /** Whether this is a multi-label version's report. */
    public boolean hasMultiLabelFigures() {
        return multiLabel != null;
    }

    /**
     * The figure versions are compared on: micro-F1 for a multi-label version (the labels' decisions pooled),
     * macro-F1 for a single-label one.
     */
    public double selectionF1() {
        return multiLabel != null ? multiLabel.microF1() : macroF1;
    }

    /**
     * The figures of a multi-label evaluation, as scikit-learn defines them.
     *
     * @param microF1 {@code 2 TP / (2 TP + FP + FN)} with TP, FP, FN summed over every label
     * @param microF1StandardError {@code sqrt(f (1 - f) / examples)}, the approximation used for macro-F1
     * @param hammingLoss wrong label decisions over {@code examples x labels}
     * @param subsetAccuracy examples whose predicted label set is exactly the true one
     * @param thresholds each label's decision threshold on its sigmoid probability, in label order
     */
    public record MultiLabelFigures(double microF1, double microF1StandardError, double hammingLoss,
                                    double subsetAccuracy, List<Double> thresholds) {
    }

    /** {@code sqrt(p (1 - p) / n)}, 0 for no examples. */
    public static double standardError(double proportion, int n) {
        return n <= 0 ? 0 : Math.sqrt(Math.max(0, proportion * (1 - proportion)) / n);
    }

    /** Precision, recall and F1 of one label; support is the number of examples that have it. */
    public record LabelMetrics(String label, double precision, double recall, double f1, int support) {
    }
}
