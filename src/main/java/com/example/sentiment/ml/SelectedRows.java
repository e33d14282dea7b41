package com.example.sentiment.ml;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Some texts of other features, by their row numbers there: a cross-validation fold of a job's inputs, which
 * reads the job's token ids or encoder states instead of copying them.
 *
 * @param rows the row in {@code all} of each row here
 */
record SelectedRows(SequenceFeatures all, int[] rows) implements SequenceFeatures {

    @Override
    public int size() {
        return rows.length;
    }

    @Override
    public int length(int row) {
        return all.length(rows[row]);
    }

    @Override
    public INDArray[] featuresAndMask(int[] which, int from, int to) {
        return all.featuresAndMask(inAll(which, from, to), 0, to - from);
    }

    @Override
    public INDArray lstmInput(int[] which, int width, INDArray embedding, DataType type) {
        return all.lstmInput(inAll(which, 0, which.length), width, embedding, type);
    }

    @Override
    public OnnxTensor onnxInput(OrtEnvironment environment, int[] which, int from, int to, int width)
            throws OrtException {
        return all.onnxInput(environment, inAll(which, from, to), 0, to - from, width);
    }

    @Override
    public SequenceFeatures forEngine(HyperParameters.Engine engine) {
        return new SelectedRows(all.forEngine(engine), rows);
    }

    /** The rows of {@code all} that {@code which[from..to)} are. */
    private int[] inAll(int[] which, int from, int to) {
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = rows[which[i]];
        }
        return out;
    }
}
