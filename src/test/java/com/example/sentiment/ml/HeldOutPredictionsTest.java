package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Pooling held-out folds for the cross-validated calibration figures: every text in its row, scaled by its fold's T. */
class HeldOutPredictionsTest {

    // two calibrations with different temperatures, each fitted on its own (made-up) validation texts
    private static final Calibration COOLER = Calibration.fit(
            new double[][] {{0.9, 0.1}, {0.2, 0.8}, {0.95, 0.05}, {0.1, 0.9}}, new int[] {0, 1, 1, 0});
    private static final Calibration MILDER = Calibration.fit(
            new double[][] {{0.8, 0.2}, {0.3, 0.7}, {0.6, 0.4}, {0.1, 0.9}}, new int[] {0, 1, 1, 1});

    @Test
    void eachFoldsTextsLandInTheirRowsScaledByThatFoldsTemperature() {
        assertThat(COOLER.temperature()).isGreaterThan(MILDER.temperature());
        HeldOutPredictions pooled = new HeldOutPredictions(5);
        // fold 0 holds rows 3 and 0, fold 1 rows 4, 1 and 2, each in its own order
        pooled.add(new int[] {3, 0}, new double[][] {{0.7, 0.3}, {0.4, 0.6}}, new int[] {0, 0}, COOLER, 0.5);
        pooled.add(new int[] {4, 1, 2}, new double[][] {{0.55, 0.45}, {0.2, 0.8}, {0.9, 0.1}}, new int[] {0, 1, 1},
                MILDER, 0.5);

        assertThat(pooled.count()).isEqualTo(5);
        assertThat(pooled.calibrated(3)).containsExactly(Calibration.scaled(new double[] {0.7, 0.3},
                COOLER.temperature()), within(1e-12));
        assertThat(pooled.calibrated(0)[0]).isCloseTo(Calibration.scaled(new double[] {0.4, 0.6},
                COOLER.temperature())[0], within(1e-12));
        assertThat(pooled.calibrated(2)).containsExactly(Calibration.scaled(new double[] {0.9, 0.1},
                MILDER.temperature()), within(1e-12));
        // the figures are those of the five texts in file order, each with its fold's threshold
        double[][] raw = {{0.4, 0.6}, {0.2, 0.8}, {0.9, 0.1}, {0.7, 0.3}, {0.55, 0.45}};
        double[] temperatures = {COOLER.temperature(), MILDER.temperature(), MILDER.temperature(),
                COOLER.temperature(), MILDER.temperature()};
        double[][] calibrated = new double[5][];
        for (int row = 0; row < 5; row++) {
            calibrated[row] = Calibration.scaled(raw[row], temperatures[row]);
        }
        double cooler = COOLER.thresholdFor(0.5).threshold();
        double milder = MILDER.thresholdFor(0.5).threshold();
        String expected = CalibrationExperiment.figures(raw, calibrated, new int[] {0, 1, 1, 0, 0},
                new double[] {cooler, milder, milder, cooler, milder}, 0.5);
        assertThat(pooled.figures(0.5)).isEqualTo(expected)
                // rows 0 (0.6 for label 1, truly 0) and 2 (label 0, truly 1) are wrong: 3 of 5 right
                .startsWith("RESULT dev 5 texts: accuracy 0.6000 -> 0.6000");
    }

    @Test
    void aTextCannotBeHeldOutTwiceAndARejectedFoldAddsNothing() {
        HeldOutPredictions pooled = new HeldOutPredictions(3);
        pooled.add(new int[] {1}, new double[][] {{0.7, 0.3}}, new int[] {0}, MILDER, 0.5);
        assertThatThrownBy(() -> pooled.add(new int[] {0, 1}, new double[][] {{0.6, 0.4}, {0.1, 0.9}},
                new int[] {0, 1}, COOLER, 0.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 1");
        assertThat(pooled.count()).isEqualTo(1);
        assertThat(pooled.calibrated(0)).isNull();
        assertThat(pooled.calibrated(1)).containsExactly(Calibration.scaled(new double[] {0.7, 0.3},
                MILDER.temperature()), within(1e-12));
        assertThatThrownBy(() -> pooled.add(new int[] {2}, new double[][] {{0.6, 0.4}, {0.1, 0.9}}, new int[] {0},
                COOLER, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFiguresCoverOnlyTheFoldsAddedSoFar() {
        HeldOutPredictions pooled = new HeldOutPredictions(4);
        assertThatThrownBy(() -> pooled.figures(0.5)).isInstanceOf(IllegalStateException.class);
        pooled.add(new int[] {2, 0}, new double[][] {{0.7, 0.3}, {0.35, 0.65}}, new int[] {0, 0}, MILDER, 0.5);
        assertThat(pooled.figures(0.5)).startsWith("RESULT dev 2 texts: accuracy 0.5000 -> 0.5000");
    }

    @Test
    void stratifiedFoldsHoldOutEveryRowOnceWithEachLabelSpreadEvenly() {
        int[] labels = new int[53];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 40 ? 0 : i < 50 ? 1 : 2;
        }
        int[][] folds = CalibrationExperiment.stratifiedFolds(labels, 3, 5, 42);
        int[] seen = new int[labels.length];
        for (int[] fold : folds) {
            assertThat(fold.length).isBetween(10, 11);
            int[] perLabel = new int[3];
            for (int row : fold) {
                seen[row]++;
                perLabel[labels[row]]++;
            }
            assertThat(perLabel[0]).isEqualTo(8);
            assertThat(perLabel[1]).isEqualTo(2);
        }
        assertThat(seen).containsOnly(1);
    }
}
