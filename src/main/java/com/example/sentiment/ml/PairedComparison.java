package com.example.sentiment.ml;

import java.util.SplittableRandom;

/**
 * The macro-F1 difference of two classifiers scored on the same rows, and its standard error by a paired
 * bootstrap: both are resampled with the same rows, so what they get right or wrong together cancels out.
 * When the two mostly agree it is far smaller than either figure's own; when they disagree on many rows (two
 * different architectures on five classes) it is about as large. Either way it is what decides whether a
 * gap between two candidates of a search is real.
 */
final class PairedComparison {

    static final int RESAMPLES = 1000;

    private PairedComparison() {
    }

    /** The difference {@code macroF1(b) - macroF1(a)} and its bootstrap standard error. */
    record Difference(double difference, double standardError) {

        /** How many standard errors the difference is (infinite for a difference with no spread). */
        double inStandardErrors() {
            if (standardError > 0) {
                return difference / standardError;
            }
            return difference == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, difference);
        }
    }

    /**
     * @param actual the rows' labels; {@code a} and {@code b} the two classifiers' predictions of the same rows
     * @param seed makes the resamples, and so the figure, repeatable
     */
    static Difference of(int[] actual, int[] a, int[] b, int classes, long seed) {
        int n = actual.length;
        if (a.length != n || b.length != n) {
            throw new IllegalArgumentException("both classifiers must predict every row");
        }
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        double difference = macroF1(actual, b, all, classes) - macroF1(actual, a, all, classes);
        if (n == 0) {
            return new Difference(0, 0);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] rows = new int[n];
        double sum = 0;
        double sumOfSquares = 0;
        for (int r = 0; r < RESAMPLES; r++) {
            for (int i = 0; i < n; i++) {
                rows[i] = random.nextInt(n);
            }
            double d = macroF1(actual, b, rows, classes) - macroF1(actual, a, rows, classes);
            sum += d;
            sumOfSquares += d * d;
        }
        double mean = sum / RESAMPLES;
        double variance = Math.max(0, sumOfSquares / RESAMPLES - mean * mean) * RESAMPLES / (RESAMPLES - 1);
        return new Difference(difference, Math.sqrt(variance));
    }

    /**
     * The difference {@code accuracy(b) - accuracy(a)} and its standard error, exactly: each row adds 1, 0 or -1
     * to the difference (b alone right, both alike, a alone right), so the error is that of the mean of those
     * (McNemar's comparison: only the rows where the two disagree spread it). Unlike macro-F1's, it is not
     * dominated by labels with a handful of rows, where one row moves that label's F1 by several points.
     */
    static Difference accuracy(int[] actual, int[] a, int[] b) {
        int n = actual.length;
        if (a.length != n || b.length != n) {
            throw new IllegalArgumentException("both classifiers must predict every row");
        }
        if (n < 2) {
            return new Difference(0, 0);
        }
        long sum = 0;
        long discordant = 0;
        for (int i = 0; i < n; i++) {
            int d = (b[i] == actual[i] ? 1 : 0) - (a[i] == actual[i] ? 1 : 0);
            sum += d;
            discordant += d * d;
        }
        double mean = (double) sum / n;
        // the sample variance of the per-row differences, whose squares are 1 on the discordant rows
        double variance = (discordant - n * mean * mean) / (n - 1);
        return new Difference(mean, Math.sqrt(Math.max(0, variance) / n));
    }

    /** Mean over labels of {@code 2 tp / (2 tp + fp + fn)} on the given rows (0 for a label never seen or predicted). */
    static double macroF1(int[] actual, int[] predicted, int[] rows, int classes) {
        int[] truePositives = new int[classes];
        int[] actualCounts = new int[classes];
        int[] predictedCounts = new int[classes];
        for (int row : rows) {
            actualCounts[actual[row]]++;
            predictedCounts[predicted[row]]++;
            if (actual[row] == predicted[row]) {
                truePositives[actual[row]]++;
            }
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            int denominator = actualCounts[c] + predictedCounts[c];
            sum += denominator == 0 ? 0 : 2.0 * truePositives[c] / denominator;
        }
        return sum / classes;
    }
}
