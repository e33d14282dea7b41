package com.example.sentiment.ml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Manual experiment harness (not a test): the calibration figures of docs/experiments.md. With {@code model=DIR
 * dev=FILE [folds=K]}: a stored version's raw probabilities on a labelled file, calibrated by K-fold cross-fitting
 * (default 2: the temperature and precision curve fitted on one half of the file, applied to the other, and the
 * other way round), so that no text is scored by a calibration fitted on it. {@link #figures} is also what {@code SstExperiment calibrate=true}
 * prints for a model it trained (fitted on its validation split, measured on dev).
 */
public final class CalibrationExperiment {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv[1]);
        }
        ComputeThreads.limit(Integer.parseInt(a.getOrDefault("threads", "1")));
        EncoderCatalogue encoders = new EncoderCatalogue(a.containsKey("encoders") ? Path.of(a.get("encoders")) : null);
        TextClassifier classifier = TextClassifier.load(Path.of(a.get("model")), 100, encoders);
        List<String[]> rows = readCsv(Path.of(a.get("dev")));
        List<String> texts = rows.stream().map(r -> r[0]).toList();
        int[] gold = rows.stream().mapToInt(r -> classifier.labels().indexOf(r[1])).toArray();
        double[][] raw = probabilities(classifier, classifier.classify(texts));
        double target = Double.parseDouble(a.getOrDefault("target", "0.95"));
        // k folds (default 2), shuffled with a fixed seed: each fold is scored by a calibration fitted on the others
        int k = Integer.parseInt(a.getOrDefault("folds", "2"));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < gold.length; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new Random(42));
        HeldOutPredictions heldOut = new HeldOutPredictions(gold.length);
        for (int f = 0; f < k; f++) {
            List<Integer> in = new ArrayList<>();
            List<Integer> out = new ArrayList<>();
            for (int r = 0; r < order.size(); r++) {
                (r % k == f ? in : out).add(order.get(r));
            }
            int[] fitOn = out.stream().mapToInt(i -> i).toArray();
            Calibration c = Calibration.fit(rows(raw, fitOn), pick(gold, fitOn));
            Calibration.PrecisionThreshold t = c.thresholdFor(target);
            System.out.printf("fold %d: T=%.3f, fitted on %d, ECE there %.4f -> %.4f, threshold %s (coverage there %.3f)%n",
                    f, c.temperature(), fitOn.length, c.eceBefore(), c.eceAfter(), t.threshold(), t.coverage());
            int[] scored = in.stream().mapToInt(i -> i).toArray();
            heldOut.add(scored, rows(raw, scored), pick(gold, scored), c, target);
        }
        System.out.println(heldOut.figures(target));
    }

    /**
     * Stratified K-fold cross-validation of a labelled file ({@link StratifiedFolds}, as the configuration search
     * draws its folds): the rows each fold holds out, in row order; every row is in exactly one.
     */
    public static int[][] stratifiedFolds(int[] labels, int classes, int folds, long seed) {
        StratifiedFolds split = StratifiedFolds.of(labels, classes, folds, seed);
        int[][] heldOut = new int[folds][];
        for (int f = 0; f < folds; f++) {
            heldOut[f] = split.heldOut(f);
        }
        return heldOut;
    }

    /** The network's probabilities in the order of its labels. */
    public static double[][] probabilities(TextClassifier classifier, List<Prediction> predictions) {
        double[][] out = new double[predictions.size()][];
        for (int i = 0; i < out.length; i++) {
            Prediction p = predictions.get(i);
            out[i] = classifier.labels().stream().mapToDouble(l -> p.scores().get(l)).toArray();
        }
        return out;
    }

    /** Figures of a calibration fitted on {@code validation} and measured on {@code dev} (raw probabilities). */
    public static String figures(double[][] validation, int[] validationGold, double[][] dev, int[] devGold,
                                 double target) {
        Calibration c = Calibration.fit(validation, validationGold);
        Calibration.PrecisionThreshold t = c.thresholdFor(target);
        double[][] calibrated = new double[dev.length][];
        double[] thresholds = new double[dev.length];
        for (int i = 0; i < dev.length; i++) {
            calibrated[i] = Calibration.scaled(dev[i], c.temperature());
            thresholds[i] = t.reachable() ? t.threshold() : Double.POSITIVE_INFINITY;
        }
        return String.format("T=%.3f (validation %d texts, ECE %.4f -> %.4f; target %.2f: threshold %s, validation "
                        + "coverage %.3f)%n", c.temperature(), c.examples(), c.eceBefore(), c.eceAfter(), target,
                t.threshold(), t.coverage()) + figures(dev, calibrated, devGold, thresholds, target);
    }

    static String figures(double[][] raw, double[][] calibrated, int[] gold, double[] thresholds, double target) {
        double[] rawConfidence = new double[gold.length];
        double[] confidence = new double[gold.length];
        boolean[] rawCorrect = new boolean[gold.length];
        boolean[] correct = new boolean[gold.length];
        int answered = 0;
        int answeredRight = 0;
        for (int i = 0; i < gold.length; i++) {
            int r = argmax(raw[i]);
            int c = argmax(calibrated[i]);
            rawConfidence[i] = raw[i][r];
            confidence[i] = calibrated[i][c];
            rawCorrect[i] = r == gold[i];
            correct[i] = c == gold[i];
            if (Calibration.reaches(confidence[i], thresholds[i])) {
                answered++;
                answeredRight += correct[i] ? 1 : 0;
            }
        }
        double before = Calibration.expectedCalibrationError(rawConfidence, rawCorrect);
        double after = Calibration.expectedCalibrationError(confidence, correct);
        double[] se = bootstrapStandardErrors(rawConfidence, rawCorrect, confidence, correct);
        // the ECE a perfectly calibrated model would still show on this many texts: each text right with
        // probability its calibrated confidence (mean of 500 draws, seed 9)
        Random draws = new Random(9);
        double floor = 0;
        for (int s = 0; s < 500; s++) {
            boolean[] simulated = new boolean[gold.length];
            for (int i = 0; i < gold.length; i++) {
                simulated[i] = draws.nextDouble() < confidence[i];
            }
            floor += Calibration.expectedCalibrationError(confidence, simulated) / 500;
        }
        double precision = answered == 0 ? Double.NaN : (double) answeredRight / answered;
        double coverage = (double) answered / gold.length;
        return String.format("RESULT dev %d texts: accuracy %.4f -> %.4f; ECE %.4f (se %.4f) -> %.4f (se %.4f), ratio "
                        + "%.3f (a perfectly calibrated model's ECE on these texts: %.4f); target precision %.2f: "
                        + "answered %d (coverage %.4f, se %.4f), precision %.4f (se %.4f)",
                gold.length, mean(rawCorrect), mean(correct), before, se[0], after, se[1], after / before, floor, target,
                answered, coverage, EvaluationReport.standardError(coverage, gold.length), precision,
                answered == 0 ? 0 : EvaluationReport.standardError(precision, answered));
    }

    /** Bootstrap (500 resamples, seed 7) standard errors of the ECE before and after. */
    private static double[] bootstrapStandardErrors(double[] c0, boolean[] k0, double[] c1, boolean[] k1) {
        Random random = new Random(7);
        int n = c0.length;
        double[][] samples = new double[2][500];
        for (int s = 0; s < 500; s++) {
            double[] a0 = new double[n];
            boolean[] b0 = new boolean[n];
            double[] a1 = new double[n];
            boolean[] b1 = new boolean[n];
            for (int i = 0; i < n; i++) {
                int j = random.nextInt(n);
                a0[i] = c0[j];
                b0[i] = k0[j];
                a1[i] = c1[j];
                b1[i] = k1[j];
            }
            samples[0][s] = Calibration.expectedCalibrationError(a0, b0);
            samples[1][s] = Calibration.expectedCalibrationError(a1, b1);
        }
        return new double[] {sd(samples[0]), sd(samples[1])};
    }

    private static double sd(double[] xs) {
        double m = java.util.Arrays.stream(xs).average().orElse(0);
        return Math.sqrt(java.util.Arrays.stream(xs).map(x -> (x - m) * (x - m)).sum() / (xs.length - 1));
    }

    private static double mean(boolean[] xs) {
        int k = 0;
        for (boolean x : xs) {
            k += x ? 1 : 0;
        }
        return (double) k / xs.length;
    }

    private static int argmax(double[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }

    private static double[][] rows(double[][] all, int[] which) {
        double[][] out = new double[which.length][];
        for (int i = 0; i < which.length; i++) {
            out[i] = all[which[i]];
        }
        return out;
    }

    private static int[] pick(int[] all, int[] which) {
        int[] out = new int[which.length];
        for (int i = 0; i < which.length; i++) {
            out[i] = all[which[i]];
        }
        return out;
    }

    /** A {@code text,label} CSV with a header, quoted fields allowed. */
    static List<String[]> readCsv(Path file) throws java.io.IOException {
        List<String[]> rows = new ArrayList<>();
        try (org.apache.commons.csv.CSVParser parser = org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader()
                .setSkipHeaderRecord(true).get().parse(Files.newBufferedReader(file))) {
            for (org.apache.commons.csv.CSVRecord r : parser) {
                rows.add(new String[] {r.get("text"), r.get("label")});
            }
        }
        return rows;
    }
}
