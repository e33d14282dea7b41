package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The multi-label figures against scikit-learn's definitions, on a fixed example whose expected numbers are
 * worked out by hand below (scikit-learn itself is not installable here).
 */
class MultiLabelEvaluationTest {

    private static final List<String> LABELS = List.of("a", "b", "c");

    /*
     * Rows (truth -> predicted):  r0 {a,b} -> {a};  r1 {b} -> {b,c};  r2 {a,c} -> {a,c};  r3 {} -> {b}.
     *
     * Per label (TP, FP, FN; precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2TP/(2TP+FP+FN), support = TP+FN):
     *   a: TP 2 (r0, r2), FP 0, FN 0          -> P 1,   R 1,   F1 4/4 = 1,       support 2
     *   b: TP 1 (r1), FP 1 (r3), FN 1 (r0)    -> P 1/2, R 1/2, F1 2/4 = 0.5,     support 2
     *   c: TP 1 (r2), FP 1 (r1), FN 0         -> P 1/2, R 1,   F1 2/3 = 0.6667,  support 1
     * micro-F1 (f1_score(average="micro")): TP 4, FP 2, FN 1 -> 2*4 / (2*4 + 2 + 1) = 8/11 = 0.727273
     * macro-F1 (f1_score(average="macro")): (1 + 1/2 + 2/3) / 3 = 13/18 = 0.722222
     * hamming_loss: wrong decisions r0 b, r1 c, r3 b = 3 of 4 x 3 = 12 -> 0.25
     * accuracy_score (subset accuracy): only r2 is exactly right -> 1/4 = 0.25
     */
    @Test
    void figuresMatchScikitLearnDefinitionsOnAHandCheckedExample() {
        boolean[][] truth = {
            {true, true, false},
            {false, true, false},
            {true, false, true},
            {false, false, false}};
        boolean[][] predicted = {
            {true, false, false},
            {false, true, true},
            {true, false, true},
            {false, true, false}};

        EvaluationReport report = MultiLabelEvaluation.report(LABELS, truth, predicted, new double[] {0.5, 0.4, 0.6});

        assertThat(report.hasMultiLabelFigures()).isTrue();
        assertThat(report.multiLabel().microF1()).isCloseTo(8.0 / 11, within(1e-12));
        assertThat(report.macroF1()).isCloseTo(13.0 / 18, within(1e-12));
        assertThat(report.multiLabel().hammingLoss()).isCloseTo(0.25, within(1e-12));
        assertThat(report.multiLabel().subsetAccuracy()).isCloseTo(0.25, within(1e-12));
        assertThat(report.accuracy()).isCloseTo(0.25, within(1e-12));
        assertThat(report.selectionF1()).isCloseTo(8.0 / 11, within(1e-12));
        assertThat(report.multiLabel().thresholds()).containsExactly(0.5, 0.4, 0.6);
        assertThat(report.perLabel()).extracting(EvaluationReport.LabelMetrics::label).containsExactly("a", "b", "c");
        assertThat(report.perLabel()).extracting(EvaluationReport.LabelMetrics::precision)
                .containsExactly(1.0, 0.5, 0.5);
        assertThat(report.perLabel()).extracting(EvaluationReport.LabelMetrics::recall)
                .containsExactly(1.0, 0.5, 1.0);
        assertThat(report.perLabel().get(2).f1()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(report.perLabel()).extracting(EvaluationReport.LabelMetrics::support).containsExactly(2, 2, 1);
        assertThat(report.examples()).isEqualTo(4);
    }

    @Test
    void aLabelNeverPredictedNorPresentCountsAsZeroAsScikitLearnsZeroDivisionDoes() {
        boolean[][] truth = {{true, false}, {true, false}};
        boolean[][] predicted = {{true, false}, {false, false}};
        EvaluationReport report = MultiLabelEvaluation.report(List.of("x", "y"), truth, predicted, new double[] {0.5, 0.5});
        // x: TP 1, FN 1 -> F1 2/3; y: nothing at all -> 0; micro: 2/(2+0+1) = 2/3; macro (2/3 + 0)/2 = 1/3
        assertThat(report.perLabel().get(1).f1()).isZero();
        assertThat(report.multiLabel().microF1()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(report.macroF1()).isCloseTo(1.0 / 3, within(1e-12));
        // hamming: one wrong decision (row 1, x) of 4
        assertThat(report.multiLabel().hammingLoss()).isCloseTo(0.25, within(1e-12));
    }

    /*
     * Label 0, sorted by probability: 0.9 T, 0.8 T, 0.7 F, 0.6 T, 0.2 F, 0.1 F (3 positives).
     * Predicting the top k positive, F1 = 2 TP_k / (k + 3): k=1 2/4, k=2 4/5, k=3 4/6, k=4 6/7 = 0.857 (best),
     * k=5 6/8, k=6 6/9. The cut after k=4 falls between 0.6 and 0.2: threshold (0.6 + 0.2) / 2 = 0.4.
     * Label 1 has 2 positives, fewer than 3: it keeps 0.5.
     */
    @Test
    void eachLabelsThresholdMaximisesItsF1AndRareLabelsKeepTheDefault() {
        float[][] probabilities = {{0.9f, 0.9f}, {0.8f, 0.1f}, {0.7f, 0.8f}, {0.6f, 0.2f}, {0.2f, 0.3f}, {0.1f, 0.1f}};
        boolean[][] truth = {{true, true}, {true, false}, {false, true}, {true, false}, {false, false}, {false, false}};

        double[] thresholds = MultiLabelEvaluation.tuneThresholds(probabilities, truth, 2);

        assertThat(thresholds[0]).isCloseTo(0.4, within(1e-6));
        assertThat(thresholds[1]).isEqualTo(MultiLabelEvaluation.DEFAULT_THRESHOLD);
        boolean[][] decided = MultiLabelEvaluation.decide(probabilities, thresholds);
        assertThat(decided[3][0]).isTrue();
        assertThat(decided[4][0]).isFalse();
        assertThat(decided[2][1]).isTrue();
        assertThat(decided[4][1]).isFalse();
    }
}
