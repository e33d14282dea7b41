package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Spatial dropout drops the same word-vector dimensions of a text at every step, and routes gradients alike. */
class TimeLockedDropoutTest {

    @Test
    void dropsWholeDimensionsOfATextAcrossAllStepsAndScalesTheRest() {
        Nd4j.getRandom().setSeed(3);
        TimeLockedDropout dropout = TimeLockedDropout.dropping(0.5, 0);
        INDArray input = Nd4j.ones(DataType.FLOAT, 40, 7, 16);
        INDArray out = dropout.applyDropout(input, input.ulike(), 0, 0, LayerWorkspaceMgr.noWorkspaces());
        float[][][] v = toArray(out);
        int dropped = 0;
        for (float[][] text : v) {
            for (int d = 0; d < 16; d++) {
                float first = text[0][d];
                assertThat(first).isIn(0f, 2f);
                for (float[] step : text) {
                    assertThat(step[d]).as("the same at every step").isEqualTo(first);
                }
                dropped += first == 0f ? 1 : 0;
            }
        }
        assertThat(dropped / (40.0 * 16)).isCloseTo(0.5, within(0.08));
        // the backward pass lets through exactly what the forward pass kept, with the same scale
        INDArray grad = dropout.backprop(Nd4j.ones(DataType.FLOAT, 40, 7, 16), input.ulike(), 0, 0);
        assertThat(toArray(grad)).isDeepEqualTo(v);
    }

    @Test
    void elementDropoutOnTopVariesAlongTheSteps() {
        Nd4j.getRandom().setSeed(4);
        TimeLockedDropout dropout = TimeLockedDropout.dropping(0.2, 0.3);
        INDArray out = dropout.applyDropout(Nd4j.ones(DataType.FLOAT, 30, 9, 8), Nd4j.zeros(DataType.FLOAT, 30, 9, 8),
                0, 0, LayerWorkspaceMgr.noWorkspaces());
        double kept = out.neq(0).castTo(DataType.FLOAT).meanNumber().doubleValue();
        assertThat(kept).isCloseTo(0.8 * 0.7, within(0.05));
        // the expected value is unchanged: kept units are scaled up by both retain probabilities
        assertThat(out.meanNumber().doubleValue()).isCloseTo(1.0, within(0.08));
        assertThat(dropout.clone().getElementRetainProbability()).isEqualTo(0.7, within(1e-12));
    }

    private static float[][][] toArray(INDArray a) {
        float[][][] out = new float[(int) a.size(0)][(int) a.size(1)][(int) a.size(2)];
        for (int i = 0; i < out.length; i++) {
            for (int t = 0; t < out[i].length; t++) {
                out[i][t] = a.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(t)).toFloatVector();
            }
        }
        return out;
    }
}
