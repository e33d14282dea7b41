package com.example.sentiment.ml;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns token-id sequences of different lengths into the padded, masked arrays the network reads (and texts
 * of any {@link SequenceFeatures} into minibatches).
 * Padding goes at the end and is masked out, so the last real step is what the model summarises.
 */
final class SequenceBatch {

    private SequenceBatch() {
    }

    /** Features {@code [n, T]} of token ids for the given rows of {@code sequences}, T the longest of them. */
    static INDArray[] featuresAndMask(int[][] sequences, int[] rows, int from, int to) {
        int n = to - from;
        int width = 1;
        for (int r = from; r < to; r++) {
            width = Math.max(width, sequences[rows[r]].length);
        }
        float[] ids = new float[n * width];
        float[] mask = new float[n * width];
        for (int r = 0; r < n; r++) {
            int[] seq = sequences[rows[from + r]];
            int offset = r * width;
            for (int t = 0; t < seq.length; t++) {
                ids[offset + t] = seq[t];
                mask[offset + t] = 1f;
            }
        }
        INDArray features = Nd4j.create(ids, new long[] {n, width}, 'c');
        INDArray featureMask = Nd4j.create(mask, new long[] {n, width}, 'c');
        return new INDArray[] {features, featureMask};
    }

    /**
     * The rows with their labels {@code [n, classes]}: the rows of {@code targets} when given (soft targets,
     * which MCXENT reads as they are), else the one-hot labels.
     */
    static DataSet dataSet(SequenceFeatures features, int[] labels, float[][] targets, int classes, int[] rows,
                           int from, int to) {
        return dataSet(features, labels, targets, null, classes, rows, from, to);
    }

    /**
     * The same, each row's loss weighed by {@code weights} (null: all 1): its label row (one-hot or soft target)
     * is multiplied by its weight. DL4J's cross-entropy then scores {@code -w * sum(y log p)}, and its gradient is
     * right for such rows only when the loss has class weights ({@code p * sum(y) - y}, see
     * {@link NetworkFactory#uniformClassWeights}); without them it assumes rows that sum to 1. A fractional label
     * mask is no weight in DL4J: the output layer multiplies its pre-activations by the mask too.
     */
    static DataSet dataSet(SequenceFeatures features, int[] labels, float[][] targets, float[] weights, int classes,
                           int[] rows, int from, int to) {
        INDArray[] fm = features.featuresAndMask(rows, from, to);
        INDArray out;
        if (targets != null) {
            float[][] picked = new float[to - from][];
            for (int r = from; r < to; r++) {
                picked[r - from] = targets[rows[r]];
            }
            out = Nd4j.create(picked);
        } else {
            out = Nd4j.zeros(DataType.FLOAT, to - from, classes);
            for (int r = from; r < to; r++) {
                out.putScalar(r - from, labels[rows[r]], 1.0);
            }
        }
        if (weights != null) {
            float[] picked = new float[to - from];
            for (int r = from; r < to; r++) {
                picked[r - from] = weights[rows[r]];
            }
            out.muliColumnVector(Nd4j.create(picked, new long[] {to - from, 1}, 'c').castTo(out.dataType()));
        }
        return new DataSet(fm[0], out, fm[1], null);
    }
}
