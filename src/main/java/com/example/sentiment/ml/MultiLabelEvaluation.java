package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Figures and thresholds of a multi-label classifier, whose network gives each label an independent sigmoid
 * probability. The figures follow scikit-learn's definitions ({@code f1_score(average="micro"|"macro")},
 * {@code hamming_loss}, {@code accuracy_score} on label sets, {@code precision_recall_fscore_support}), a
 * division by zero counting as 0 as scikit-learn's {@code zero_division} default does.
 */
final class MultiLabelEvaluation {

    /** The threshold a label gets when validation has too few of its examples to tune one. */
    public static final double DEFAULT_THRESHOLD = 0.5;
    /** Validation examples of a label (positives) below which its threshold stays at the default. */
    static final int MIN_POSITIVES_TO_TUNE = 3;

    private MultiLabelEvaluation() {
    }

    /** Which labels each row has, from multi-hot rows (a value above 0.5 is a label the row has). */
    static boolean[][] sets(float[][] multiHot) {
        boolean[][] out = new boolean[multiHot.length][];
        for (int r = 0; r < multiHot.length; r++) {
            out[r] = new boolean[multiHot[r].length];
            for (int c = 0; c < multiHot[r].length; c++) {
                out[r][c] = multiHot[r][c] > 0.5f;
            }
        }
        return out;
    }

    /** The labels whose probability reaches their threshold, per row. */
    static boolean[][] decide(float[][] probabilities, double[] thresholds) {
        boolean[][] out = new boolean[probabilities.length][];
        for (int r = 0; r < probabilities.length; r++) {
            out[r] = new boolean[thresholds.length];
            for (int c = 0; c < thresholds.length; c++) {
                out[r][c] = probabilities[r][c] >= thresholds[c];
            }
        }
        return out;
    }

    /** {@link #DEFAULT_THRESHOLD} for every label. */
    static double[] defaultThresholds(int labels) {
        double[] t = new double[labels];
        Arrays.fill(t, DEFAULT_THRESHOLD);
        return t;
    }

    /**
     * Each label's threshold that maximises its F1 on these rows: the examples sorted by the label's probability,
     * every cut between two different probabilities tried, and the midpoint of the best cut kept. A label with
     * fewer than {@value #MIN_POSITIVES_TO_TUNE} positive rows keeps {@link #DEFAULT_THRESHOLD}: a threshold
     * tuned on one or two examples would fit them, not the label.
     */
    static double[] tuneThresholds(float[][] probabilities, boolean[][] truth, int labels) {
        double[] thresholds = defaultThresholds(labels);
        int n = probabilities.length;
        for (int c = 0; c < labels; c++) {
            int positives = 0;
            Integer[] order = new Integer[n];
            for (int r = 0; r < n; r++) {
                order[r] = r;
                positives += truth[r][c] ? 1 : 0;
            }
            if (positives < MIN_POSITIVES_TO_TUNE) {
                continue;
            }
            final int label = c;
            Arrays.sort(order, (a, b) -> Float.compare(probabilities[b][label], probabilities[a][label]));
            // predicting the first k rows positive: F1 = 2 TP_k / (k + positives)
            double bestF1 = -1;
            double best = DEFAULT_THRESHOLD;
            int tp = 0;
            for (int k = 1; k <= n; k++) {
                tp += truth[order[k - 1]][c] ? 1 : 0;
                float here = probabilities[order[k - 1]][c];
                float next = k < n ? probabilities[order[k]][c] : 0f;
                if (k < n && next == here) {
                    continue; // a cut must fall between two different probabilities
                }
                double f1 = 2.0 * tp / (k + positives);
                if (f1 > bestF1) {
                    bestF1 = f1;
                    best = (here + next) / 2.0;
                }
            }
            thresholds[c] = best;
        }
        return thresholds;
    }

    /** The report of {@code predicted} label sets against {@code truth}, with the thresholds that made them. */
    static EvaluationReport report(List<String> labels, boolean[][] truth, boolean[][] predicted, double[] thresholds) {
        int n = truth.length;
        int classes = labels.size();
        long[] tp = new long[classes];
        long[] fp = new long[classes];
        long[] fn = new long[classes];
        long wrong = 0;
        int exact = 0;
        for (int r = 0; r < n; r++) {
            boolean same = true;
            for (int c = 0; c < classes; c++) {
                boolean t = truth[r][c];
                boolean p = predicted[r][c];
                if (t && p) {
                    tp[c]++;
                } else if (p) {
                    fp[c]++;
                } else if (t) {
                    fn[c]++;
                }
                if (t != p) {
                    wrong++;
                    same = false;
                }
            }
            exact += same ? 1 : 0;
        }
        List<EvaluationReport.LabelMetrics> perLabel = new ArrayList<>();
        long tpSum = 0;
        long fpSum = 0;
        long fnSum = 0;
        double f1Sum = 0;
        for (int c = 0; c < classes; c++) {
            double precision = ratio(tp[c], tp[c] + fp[c]);
            double recall = ratio(tp[c], tp[c] + fn[c]);
            double f1 = ratio(2 * tp[c], 2 * tp[c] + fp[c] + fn[c]);
            perLabel.add(new EvaluationReport.LabelMetrics(labels.get(c), precision, recall, f1,
                    (int) (tp[c] + fn[c])));
            f1Sum += f1;
            tpSum += tp[c];
            fpSum += fp[c];
            fnSum += fn[c];
        }
        double microF1 = ratio(2 * tpSum, 2 * tpSum + fpSum + fnSum);
        double macroF1 = classes == 0 ? 0 : f1Sum / classes;
        double hamming = n == 0 || classes == 0 ? 0 : (double) wrong / ((long) n * classes);
        double subset = n == 0 ? 0 : (double) exact / n;
        List<Double> kept = new ArrayList<>(classes);
        for (double t : thresholds) {
            kept.add(t);
        }
        return new EvaluationReport(n, subset, macroF1, List.copyOf(labels), List.copyOf(perLabel), new int[0][0],
                EvaluationReport.standardError(subset, n), EvaluationReport.standardError(macroF1, n),
                new EvaluationReport.MultiLabelFigures(microF1, EvaluationReport.standardError(microF1, n), hamming,
                        subset, List.copyOf(kept)));
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }
}
