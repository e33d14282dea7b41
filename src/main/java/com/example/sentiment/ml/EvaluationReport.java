package com.example.sentiment.ml;

import java.util.List;

/**
 * How a classifier did on held-out data.
 *
 * @param confusionMatrix rows are the actual labels, columns the predicted ones, both in {@code labels} order
 */
public record EvaluationReport(
        int examples,
        double accuracy,
        double macroF1,
        List<String> labels,
        List<LabelMetrics> perLabel,
        int[][] confusionMatrix) {

    /** Precision, recall and F1 of one label; support is the number of examples that have it. */
    public record LabelMetrics(String label, double precision, double recall, double f1, int support) {
    }
}
