package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The paired bootstrap's difference and standard error, against figures computed independently. */
class PairedComparisonTest {

    private static final List<String> LABELS = List.of("a", "b", "c");

    @Test
    void macroF1IsTheSameFigureAsTheEvaluationReports() {
        SplittableRandom random = new SplittableRandom(3);
        int[] actual = random.ints(300, 0, 3).toArray();
        int[] predicted = actual.clone();
        for (int i = 0; i < predicted.length; i += 3) {
            predicted[i] = random.nextInt(3);
        }
        int[] all = java.util.stream.IntStream.range(0, 300).toArray();
        assertThat(PairedComparison.macroF1(actual, predicted, all, 3))
                .isCloseTo(Evaluations.report(LABELS, actual, predicted).macroF1(), within(1e-12));
    }

    @Test
    void identicalPredictionsDifferByNothingWithNoSpread() {
        int[] actual = {0, 1, 2, 0, 1, 2};
        int[] predicted = {0, 1, 1, 0, 2, 2};
        PairedComparison.Difference d = PairedComparison.of(actual, predicted, predicted, 3, 1);
        assertThat(d.difference()).isZero();
        assertThat(d.standardError()).isZero();
        assertThat(d.inStandardErrors()).isZero();
    }

    @Test
    void theErrorOfTheDifferenceFollowsTheRowsOnWhichTheTwoDisagree() {
        // two labels, 1,000 rows; b is right on 20 rows where a is wrong, and they agree everywhere else. For
        // accuracy the paired standard error is sqrt(20) / 1000 = 0.0045 (the discordant rows' binomial
        // spread); balanced labels make macro-F1 move almost like accuracy
        int[][] rows = twentyMoreRight();
        int[] actual = rows[0];
        int[] a = rows[1];
        int[] b = rows[2];
        PairedComparison.Difference d = PairedComparison.of(actual, a, b, 2, 11);
        assertThat(d.difference()).isCloseTo(0.02, within(0.001));
        assertThat(d.standardError()).isCloseTo(Math.sqrt(20) / 1000, within(0.001));
        // far smaller than either figure's own (sqrt(0.8 * 0.2 / 1000) = 0.0126)
        assertThat(d.standardError()).isLessThan(EvaluationReport.standardError(0.8, 1000) / 2);
        assertThat(PairedComparison.of(actual, b, a, 2, 11).difference()).isCloseTo(-d.difference(), within(1e-12));
        assertThat(PairedComparison.of(actual, a, b, 2, 11)).isEqualTo(d);
    }

    @Test
    void theAccuracyDifferenceIsTheMeanOfThePerRowDifferencesWithItsExactStandardError() {
        // the case above (b right on 20 rows where a is wrong), and b wrong on 5 rows where a is right
        int[][] rows = twentyMoreRight();
        int[] actual = rows[0];
        int[] a = rows[1];
        int[] b = rows[2];
        for (int i = 500; i < 505; i++) {
            b[i] = 1 - actual[i];
        }
        PairedComparison.Difference d = PairedComparison.accuracy(actual, a, b);
        assertThat(d.difference()).isCloseTo(0.015, within(1e-12));
        // per-row differences: 20 of +1, 5 of -1, 975 of 0; their sample variance over n, square-rooted
        double variance = (25 - 1000 * 0.015 * 0.015) / 999;
        assertThat(d.standardError()).isCloseTo(Math.sqrt(variance / 1000), within(1e-12));
        assertThat(PairedComparison.accuracy(actual, b, a).difference()).isCloseTo(-0.015, within(1e-12));
        assertThat(PairedComparison.accuracy(actual, a, a)).isEqualTo(new PairedComparison.Difference(0, 0));
    }

    /**
     * Labels of 1,000 rows (two labels, alternating), and two classifiers' predictions of them: {@code a} wrong on
     * the first 200 rows, {@code b} the same but right on the first 20 of those.
     */
    private static int[][] twentyMoreRight() {
        int[] actual = ConfigurationSearchTest.balancedLabels(1000);
        int[] a = actual.clone();
        for (int i = 0; i < 200; i++) {
            a[i] = 1 - actual[i];
        }
        int[] b = a.clone();
        for (int i = 0; i < 20; i++) {
            b[i] = actual[i];
        }
        return new int[][] {actual, a, b};
    }
}
