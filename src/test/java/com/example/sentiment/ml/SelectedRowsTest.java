package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A fold's rows of a job's features read exactly what features of those rows alone would. */
class SelectedRowsTest {

    private static final int[] ROWS = {7, 2, 5, 0};

    @Test
    void encoderStatesOfSomeRowsAreThoseRowsStatesForEitherEngine() {
        Random random = new Random(3);
        float[][][] states = new float[9][][];
        for (int r = 0; r < states.length; r++) {
            states[r] = new float[1 + r % 4][4];
            for (float[] step : states[r]) {
                for (int d = 0; d < step.length; d++) {
                    step[d] = (float) random.nextGaussian();
                }
            }
        }
        float[][][] selected = new float[ROWS.length][][];
        for (int i = 0; i < ROWS.length; i++) {
            selected[i] = states[ROWS[i]];
        }
        SequenceFeatures fold = new SelectedRows(StepVectors.of(states, 4), ROWS);
        SequenceFeatures alone = StepVectors.of(selected, 4);
        assertSame(fold, alone);
        assertSame(fold.forEngine(HyperParameters.Engine.DL4J), alone.forEngine(HyperParameters.Engine.DL4J));
        assertThat(fold.lstmInput(new int[] {3, 1}, 4, null, DataType.FLOAT))
                .isEqualTo(alone.lstmInput(new int[] {3, 1}, 4, null, DataType.FLOAT));
    }

    @Test
    void tokenIdsOfSomeRowsAreThoseRowsIds() {
        int[][] sequences = new int[9][];
        for (int r = 0; r < sequences.length; r++) {
            sequences[r] = new int[1 + r % 3];
            for (int t = 0; t < sequences[r].length; t++) {
                sequences[r][t] = 2 + r + t;
            }
        }
        int[][] selected = new int[ROWS.length][];
        for (int i = 0; i < ROWS.length; i++) {
            selected[i] = sequences[ROWS[i]];
        }
        SequenceFeatures fold = new SelectedRows(new TokenIds(sequences), ROWS);
        SequenceFeatures alone = new TokenIds(selected);
        assertSame(fold, alone);
        INDArray embedding = Nd4j.rand(DataType.FLOAT, 20, 3);
        assertThat(fold.lstmInput(new int[] {2, 0, 3}, 3, embedding, DataType.FLOAT))
                .isEqualTo(alone.lstmInput(new int[] {2, 0, 3}, 3, embedding, DataType.FLOAT));
    }

    /** The same sizes, lengths, and batches (features and mask) of rows 1..3 of an order of all rows. */
    private static void assertSame(SequenceFeatures fold, SequenceFeatures alone) {
        assertThat(fold.size()).isEqualTo(alone.size());
        for (int r = 0; r < fold.size(); r++) {
            assertThat(fold.length(r)).isEqualTo(alone.length(r));
        }
        int[] order = {2, 0, 3, 1};
        INDArray[] a = fold.featuresAndMask(order, 1, 4);
        INDArray[] b = alone.featuresAndMask(order, 1, 4);
        assertThat(a[0]).isEqualTo(b[0]);
        assertThat(a[1]).isEqualTo(b[1]);
    }
}
