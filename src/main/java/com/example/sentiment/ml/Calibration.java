package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.List;

/**
 * How a version's probabilities are calibrated, and what its validation data says about thresholds.
 *
 * <p>Temperature scaling (Guo et al. 2017): one scalar {@code T} fitted on the validation data so that
 * {@code softmax(log p / T)} minimises the negative log-likelihood of the true labels; it never changes which label
 * is the most probable, so accuracy is the same, but the top probability comes to match how often it is right.
 * The expected calibration error (ECE) is measured with {@value #BINS} equal-width bins over the top probability,
 * before and after. The precision curve counts, at every threshold step, the validation texts whose calibrated top
 * probability reaches it and how many of those are right, so that any precision target can be answered.
 *
 * @param temperature divides the log-probabilities at serving time; 1 leaves them as they are
 * @param examples the validation texts it was fitted on
 * @param eceBefore the ECE of the raw probabilities on those texts
 * @param eceAfter the ECE of the calibrated ones (fitted and measured on the same texts)
 * @param reliabilityBefore the reliability diagram's bins of the raw probabilities
 * @param reliabilityAfter the same bins of the calibrated probabilities
 * @param precisionCurve answered and right validation texts at every threshold step, calibrated
 * @param targetPrecision the version's default precision target, or null for none
 * @param targetThreshold the threshold and coverage of {@code targetPrecision}, or null without one
 * @param ambiguityMargin the version's default: abstain when the top two probabilities are closer than this;
 *                        null for none
 */
public record Calibration(
        double temperature,
        int examples,
        double eceBefore,
        double eceAfter,
        List<ReliabilityBin> reliabilityBefore,
        List<ReliabilityBin> reliabilityAfter,
        PrecisionCurve precisionCurve,
        Double targetPrecision,
        PrecisionThreshold targetThreshold,
        Double ambiguityMargin) {

    /** Bins of the expected calibration error and the reliability diagram. */
    public static final int BINS = 15;
    /** Threshold steps of the precision curve: thresholds {@code 0, 1/STEPS, ..., 1}. */
    public static final int STEPS = 1000;
    // log-probabilities of exactly 0 (a float softmax underflows) stay finite
    private static final double SMALLEST = Float.MIN_NORMAL;
    private static final double MIN_LOG_T = Math.log(0.05);
    private static final double MAX_LOG_T = Math.log(20);

    /**
     * One bin of a reliability diagram: texts whose top probability lies in {@code (lower, upper]}.
     *
     * @param meanConfidence their mean top probability (0 for an empty bin)
     * @param accuracy the share of them whose top label is right (0 for an empty bin)
     */
    public record ReliabilityBin(double lower, double upper, int count, double meanConfidence, double accuracy) {
    }

    /**
     * Validation counts at thresholds {@code k / STEPS}: {@code answered[k]} texts have a calibrated top
     * probability of at least that, and {@code correct[k]} of them have the right label.
     */
    public record PrecisionCurve(int total, int[] answered, int[] correct) {
    }

    /**
     * What a precision target gives on the validation data.
     *
     * @param threshold the lowest threshold step whose answered texts reach the target; null when none does
     * @param precision the validation precision of the texts answered at that threshold (null when unreachable)
     * @param coverage the share of validation texts answered at that threshold (0 when unreachable)
     * @param bestPrecision the highest precision any threshold gives, for saying why a target is out of reach
     */
    public record PrecisionThreshold(double target, Double threshold, Double precision, double coverage,
                                     double bestPrecision) {
        public boolean reachable() {
            return threshold != null;
        }
    }

    /**
     * Fits the temperature on predictions made without calibration, measures ECE before and after, and counts
     * the precision curve of the calibrated probabilities.
     *
     * @param labels the model's labels, in the order of its probabilities
     * @param gold each text's true label, an index into {@code labels}
     */
    public static Calibration fit(List<String> labels, List<Prediction> predictions, int[] gold) {
        double[][] probabilities = new double[predictions.size()][];
        for (int i = 0; i < probabilities.length; i++) {
            Prediction p = predictions.get(i);
            probabilities[i] = labels.stream().mapToDouble(l -> p.scores().getOrDefault(l, 0.0)).toArray();
        }
        return fit(probabilities, gold);
    }

    /** The same from the probabilities themselves, one row per text. */
    public static Calibration fit(double[][] probabilities, int[] gold) {
        if (probabilities.length != gold.length || probabilities.length == 0) {
            throw new IllegalArgumentException("need one label per row and at least one row");
        }
        Outcomes before = Outcomes.of(probabilities, gold);
        // with every validation text right, the likelihood only grows as T falls: it says nothing about
        // overconfidence, and a T at the search's floor would push every answer to 0 or 1 (and flatten
        // explanations), so such a version keeps its probabilities
        boolean anyWrong = false;
        for (boolean right : before.correct()) {
            anyWrong |= !right;
        }
        double temperature = anyWrong ? fitTemperature(probabilities, gold) : 1;
        double[][] scaled = new double[probabilities.length][];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = scaled(probabilities[i], temperature);
        }
        Outcomes after = Outcomes.of(scaled, gold);
        return new Calibration(temperature, gold.length,
                expectedCalibrationError(before.confidence, before.correct),
                expectedCalibrationError(after.confidence, after.correct),
                reliability(before.confidence, before.correct), reliability(after.confidence, after.correct),
                precisionCurve(after.confidence, after.correct), null, null, null);
    }

    /** This calibration with the version's default precision target and ambiguity margin (null for none). */
    public Calibration withDefaults(Double target, Double margin) {
        return new Calibration(temperature, examples, eceBefore, eceAfter, reliabilityBefore, reliabilityAfter,
                precisionCurve, target, target == null ? null : thresholdFor(target), margin);
    }

    /** The lowest threshold step whose answered validation texts reach {@code target} precision, and its coverage. */
    public PrecisionThreshold thresholdFor(double target) {
        int[] answered = precisionCurve.answered();
        int[] correct = precisionCurve.correct();
        // the highest precision on the whole curve (a higher threshold may beat the first that reaches the target)
        double best = 0;
        for (int k = 0; k < answered.length; k++) {
            if (answered[k] > 0) {
                best = Math.max(best, (double) correct[k] / answered[k]);
            }
        }
        for (int k = 0; k < answered.length; k++) {
            if (answered[k] == 0) {
                continue;
            }
            double precision = (double) correct[k] / answered[k];
            // a small tolerance so that a target written as a decimal is reached by the same fraction
            if (precision >= target - 1e-12) {
                return new PrecisionThreshold(target, (double) k / STEPS, precision,
                        (double) answered[k] / precisionCurve.total(), best);
            }
        }
        return new PrecisionThreshold(target, null, null, 0, best);
    }

    /**
     * {@code softmax(log p / temperature)}: the probabilities with their log-odds divided by the temperature.
     */
    public static double[] scaled(double[] probabilities, double temperature) {
        double[] out = new double[probabilities.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < out.length; c++) {
            out[c] = Math.log(Math.max(probabilities[c], SMALLEST)) / temperature;
            max = Math.max(max, out[c]);
        }
        double sum = 0;
        for (int c = 0; c < out.length; c++) {
            out[c] = Math.exp(out[c] - max);
            sum += out[c];
        }
        for (int c = 0; c < out.length; c++) {
            out[c] /= sum;
        }
        return out;
    }

    /**
     * A prediction made without calibration as a version with this calibration serves it ({@link #scaled(Prediction,
     * double)} by this temperature): what a version's drift reference must be built from, since live traffic is
     * counted as served.
     */
    public Prediction applyTo(Prediction raw) {
        return scaled(raw, temperature);
    }

    /**
     * A prediction made at temperature 1 as the classifier answers it at {@code temperature}: its scores scaled
     * ({@link #scaled(double[], double)}, as {@code TextClassifier} scales every answer), its top label and
     * confidence read again from them (the first of equal scores, as the classifier picks). Scaling never changes
     * the order of the scores, so only the confidence and the scores move. A multi-label prediction (independent
     * sigmoids, which the classifier does not scale) and temperature 1 answer {@code raw} itself.
     */
    public static Prediction scaled(Prediction raw, double temperature) {
        if (temperature == 1 || raw.labels() != null) {
            return raw;
        }
        double[] probabilities = scaled(raw.scores().values().stream().mapToDouble(Double::doubleValue).toArray(),
                temperature);
        return Prediction.mostProbable(List.copyOf(raw.scores().keySet()), probabilities, raw.tokens(),
                raw.truncated(), raw.unknownTokens(), raw.chunks());
    }

    /**
     * The temperature minimising the mean negative log-likelihood, by golden-section search on {@code log T}
     * over [0.05, 20] (the likelihood is unimodal in it).
     */
    static double fitTemperature(double[][] probabilities, int[] gold) {
        double[][] logs = new double[probabilities.length][];
        for (int i = 0; i < logs.length; i++) {
            logs[i] = new double[probabilities[i].length];
            for (int c = 0; c < logs[i].length; c++) {
                logs[i][c] = Math.log(Math.max(probabilities[i][c], SMALLEST));
            }
        }
        double ratio = (Math.sqrt(5) - 1) / 2;
        double a = MIN_LOG_T;
        double b = MAX_LOG_T;
        double x1 = b - ratio * (b - a);
        double x2 = a + ratio * (b - a);
        double f1 = negativeLogLikelihood(logs, gold, Math.exp(x1));
        double f2 = negativeLogLikelihood(logs, gold, Math.exp(x2));
        while (b - a > 1e-5) {
            if (f1 <= f2) {
                b = x2;
                x2 = x1;
                f2 = f1;
                x1 = b - ratio * (b - a);
                f1 = negativeLogLikelihood(logs, gold, Math.exp(x1));
            } else {
                a = x1;
                x1 = x2;
                f1 = f2;
                x2 = a + ratio * (b - a);
                f2 = negativeLogLikelihood(logs, gold, Math.exp(x2));
            }
        }
        return Math.exp((a + b) / 2);
    }

    /** Mean of {@code -log softmax(logits / T)[gold]}. */
    static double negativeLogLikelihood(double[][] logs, int[] gold, double temperature) {
        double total = 0;
        for (int i = 0; i < logs.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double l : logs[i]) {
                max = Math.max(max, l / temperature);
            }
            double sum = 0;
            for (double l : logs[i]) {
                sum += Math.exp(l / temperature - max);
            }
            total += max + Math.log(sum) - logs[i][gold[i]] / temperature;
        }
        return total / logs.length;
    }

    /**
     * The expected calibration error: over {@value #BINS} equal-width bins of the top probability
     * ({@code (0, 1/15], (1/15, 2/15], ...}), the bins' |accuracy - mean confidence| weighted by their share of texts.
     */
    public static double expectedCalibrationError(double[] confidence, boolean[] correct) {
        double ece = 0;
        for (ReliabilityBin bin : reliability(confidence, correct)) {
            ece += (double) bin.count() / confidence.length * Math.abs(bin.accuracy() - bin.meanConfidence());
        }
        return ece;
    }

    /** The reliability diagram's {@value #BINS} bins, empty ones included. */
    public static List<ReliabilityBin> reliability(double[] confidence, boolean[] correct) {
        int[] count = new int[BINS];
        double[] confidenceSum = new double[BINS];
        int[] right = new int[BINS];
        for (int i = 0; i < confidence.length; i++) {
            int b = bin(confidence[i]);
            count[b]++;
            confidenceSum[b] += confidence[i];
            right[b] += correct[i] ? 1 : 0;
        }
        List<ReliabilityBin> bins = new ArrayList<>(BINS);
        for (int b = 0; b < BINS; b++) {
            bins.add(new ReliabilityBin((double) b / BINS, (double) (b + 1) / BINS, count[b],
                    count[b] == 0 ? 0 : confidenceSum[b] / count[b], count[b] == 0 ? 0 : (double) right[b] / count[b]));
        }
        return bins;
    }

    /** The bin {@code (b/15, (b+1)/15]} of a probability; 0 falls in the first. */
    static int bin(double confidence) {
        // a tolerance so that an edge such as 0.2 (= 3/15) falls in the bin it closes despite rounding
        return Math.max(0, Math.min(BINS - 1, (int) Math.ceil(confidence * BINS - 1e-9) - 1));
    }

    static PrecisionCurve precisionCurve(double[] confidence, boolean[] correct) {
        int[] answered = new int[STEPS + 1];
        int[] right = new int[STEPS + 1];
        for (int i = 0; i < confidence.length; i++) {
            // the highest step k with k / STEPS <= confidence (a tolerance for decimals such as 0.95)
            int k = Math.max(0, Math.min(STEPS, (int) Math.floor(confidence[i] * STEPS + 1e-9)));
            answered[k]++;
            right[k] += correct[i] ? 1 : 0;
        }
        for (int k = STEPS - 1; k >= 0; k--) {
            answered[k] += answered[k + 1];
            right[k] += right[k + 1];
        }
        return new PrecisionCurve(confidence.length, answered, right);
    }

    /** The abstention threshold a calibrated confidence is compared with (for serving the same steps). */
    public static boolean reaches(double confidence, double threshold) {
        return Math.floor(confidence * STEPS + 1e-9) >= Math.round(threshold * STEPS);
    }

    /** Each text's top probability and whether its top label is the true one. */
    private record Outcomes(double[] confidence, boolean[] correct) {
        static Outcomes of(double[][] probabilities, int[] gold) {
            double[] confidence = new double[probabilities.length];
            boolean[] correct = new boolean[probabilities.length];
            for (int i = 0; i < probabilities.length; i++) {
                int best = 0;
                for (int c = 1; c < probabilities[i].length; c++) {
                    if (probabilities[i][c] > probabilities[i][best]) {
                        best = c;
                    }
                }
                confidence[i] = probabilities[i][best];
                correct[i] = best == gold[i];
            }
            return new Outcomes(confidence, correct);
        }
    }
}
