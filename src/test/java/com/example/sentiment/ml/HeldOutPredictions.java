package com.example.sentiment.ml;

import java.util.Arrays;

/**
 * Held-out probabilities gathered fold by fold for the calibration experiments (not a test): each text keeps its
 * row of the file, its raw probabilities, and those scaled by the temperature fitted without it, so that the
 * figures of every fold together are measured on texts no model and no calibration saw. A text may be held out
 * only once; the figures cover the texts added so far, in file order.
 */
public final class HeldOutPredictions {

    private final double[][] raw;
    private final double[][] calibrated;
    private final int[] gold;
    private final double[] thresholds;
    private int count;

    /** Room for a file of {@code texts} rows, none held out yet. */
    public HeldOutPredictions(int texts) {
        raw = new double[texts][];
        calibrated = new double[texts][];
        gold = new int[texts];
        thresholds = new double[texts];
    }

    /**
     * Adds one fold's held-out texts.
     *
     * @param rows each text's row in the file
     * @param probabilities the raw probabilities of the model that did not train on them, one row per text
     * @param labels each text's true label
     * @param calibration fitted on other texts (the model's validation split): its temperature scales them, and
     *                    the threshold of {@code target} precision it gives decides whether each is answered
     * @throws IllegalArgumentException when the lengths differ or a row is already held out (the same text
     *                                  would count twice)
     */
    public void add(int[] rows, double[][] probabilities, int[] labels, Calibration calibration, double target) {
        if (rows.length != probabilities.length || rows.length != labels.length) {
            throw new IllegalArgumentException("need one row number, probability row and label per text");
        }
        Calibration.PrecisionThreshold t = calibration.thresholdFor(target);
        for (int i = 0; i < rows.length; i++) {
            if (raw[rows[i]] != null) {
                throw new IllegalArgumentException("row " + rows[i] + " is already held out");
            }
        }
        for (int i = 0; i < rows.length; i++) {
            raw[rows[i]] = probabilities[i];
            calibrated[rows[i]] = Calibration.scaled(probabilities[i], calibration.temperature());
            gold[rows[i]] = labels[i];
            // an unreachable target answers nothing
            thresholds[rows[i]] = t.reachable() ? t.threshold() : Double.POSITIVE_INFINITY;
        }
        count += rows.length;
    }

    /** How many texts are held out so far. */
    public int count() {
        return count;
    }

    /** The raw and calibrated top probabilities' figures over every text added so far (see CalibrationExperiment). */
    public String figures(double target) {
        if (count == 0) {
            throw new IllegalStateException("no text is held out yet");
        }
        int[] added = new int[count];
        int k = 0;
        for (int row = 0; row < raw.length; row++) {
            if (raw[row] != null) {
                added[k++] = row;
            }
        }
        return CalibrationExperiment.figures(rows(raw, added), rows(calibrated, added),
                Arrays.stream(added).map(r -> gold[r]).toArray(), Arrays.stream(added).mapToDouble(r -> thresholds[r]).toArray(),
                target);
    }

    /** The calibrated probabilities of {@code row}, or null when it is not held out. */
    double[] calibrated(int row) {
        return calibrated[row];
    }

    private static double[][] rows(double[][] all, int[] which) {
        double[][] out = new double[which.length][];
        for (int i = 0; i < which.length; i++) {
            out[i] = all[which[i]];
        }
        return out;
    }
}
