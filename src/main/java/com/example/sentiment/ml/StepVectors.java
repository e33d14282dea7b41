package com.example.sentiment.ml;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Texts as one vector per step, which the LSTM reads as they are: a pretrained encoder's states. The network
 * reads {@code [n, T, E]} (the fused layer's layout), or {@code [n, E, T]} when its first layer is DL4J's LSTM
 * ({@link #forEngine}).
 */
abstract class StepVectors implements SequenceFeatures {

    final int dimension;

    StepVectors(int dimension) {
        this.dimension = dimension;
    }

    /** States of a batch as the encoder gave them: {@code states[row][step]}, at full precision. */
    static StepVectors of(float[][][] states, int dimension) {
        return new StepVectors(dimension) {
            @Override
            public int size() {
                return states.length;
            }

            @Override
            public int length(int row) {
                return states[row].length;
            }

            @Override
            void copySteps(int row, float[] into, int offset) {
                float[][] steps = states[row];
                for (int t = 0; t < steps.length; t++) {
                    System.arraycopy(steps[t], 0, into, offset + t * dimension, dimension);
                }
            }
        };
    }

    /** Writes the {@code length(row) x dimension} values of text {@code row}, step after step, from {@code offset}. */
    abstract void copySteps(int row, float[] into, int offset);

    @Override
    public INDArray[] featuresAndMask(int[] rows, int from, int to) {
        int n = to - from;
        int width = 1;
        for (int r = from; r < to; r++) {
            width = Math.max(width, length(rows[r]));
        }
        float[] mask = new float[n * width];
        for (int r = 0; r < n; r++) {
            Arrays.fill(mask, r * width, r * width + length(rows[from + r]), 1f);
        }
        INDArray features = Nd4j.create(steps(Arrays.copyOfRange(rows, from, to), width),
                new long[] {n, width, dimension}, 'c');
        return new INDArray[] {features, Nd4j.create(mask, new long[] {n, width}, 'c')};
    }

    @Override
    public INDArray lstmInput(int[] rows, int width, INDArray embedding, DataType type) {
        return Nd4j.create(steps(rows, width), new long[] {rows.length, width, dimension}, 'c').castTo(type);
    }

    @Override
    public OnnxTensor onnxInput(OrtEnvironment environment, int[] rows, int from, int to, int width)
            throws OrtException {
        return OnnxTensor.createTensor(environment, FloatBuffer.wrap(steps(Arrays.copyOfRange(rows, from, to), width)),
                new long[] {to - from, width, dimension});
    }

    /** The rows' steps {@code [n, width, E]} in row-major order, zero after each text's end. */
    private float[] steps(int[] rows, int width) {
        float[] values = new float[rows.length * width * dimension];
        for (int r = 0; r < rows.length; r++) {
            copySteps(rows[r], values, r * width * dimension);
        }
        return values;
    }

    @Override
    public SequenceFeatures forEngine(HyperParameters.Engine engine) {
        if (engine != HyperParameters.Engine.DL4J) {
            return this;
        }
        StepVectors vectors = this;
        // DL4J's LSTM reads [n, E, T]
        return new SequenceFeatures() {
            @Override
            public int size() {
                return vectors.size();
            }

            @Override
            public int length(int row) {
                return vectors.length(row);
            }

            @Override
            public INDArray[] featuresAndMask(int[] rows, int from, int to) {
                INDArray[] nwc = vectors.featuresAndMask(rows, from, to);
                return new INDArray[] {nwc[0].permute(0, 2, 1).dup('c'), nwc[1]};
            }

            @Override
            public INDArray lstmInput(int[] rows, int width, INDArray embedding, DataType type) {
                return vectors.lstmInput(rows, width, embedding, type);
            }

            @Override
            public OnnxTensor onnxInput(OrtEnvironment environment, int[] rows, int from, int to, int width)
                    throws OrtException {
                return vectors.onnxInput(environment, rows, from, to, width);
            }
        };
    }
}
