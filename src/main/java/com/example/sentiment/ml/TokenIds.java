package com.example.sentiment.ml;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.LongBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Texts as token-id sequences, which the network's embedding layer turns into vectors. */
final class TokenIds implements SequenceFeatures {

    private final int[][] sequences;

    TokenIds(int[][] sequences) {
        this.sequences = sequences;
    }

    @Override
    public int size() {
        return sequences.length;
    }

    @Override
    public int length(int row) {
        return Math.max(1, sequences[row].length);
    }

    @Override
    public INDArray[] featuresAndMask(int[] rows, int from, int to) {
        return SequenceBatch.featuresAndMask(sequences, rows, from, to);
    }

    @Override
    public INDArray lstmInput(int[] rows, int width, INDArray embedding, DataType type) {
        int n = rows.length;
        // padding reads row 0 of the embedding: no summary reads the outputs after a text's last real step
        int[] ids = new int[n * width];
        for (int r = 0; r < n; r++) {
            int[] sequence = sequences[rows[r]];
            System.arraycopy(sequence, 0, ids, r * width, sequence.length);
        }
        return Nd4j.pullRows(embedding, 1, ids).reshape('c', n, width, embedding.size(1));
    }

    @Override
    public OnnxTensor onnxInput(OrtEnvironment environment, int[] rows, int from, int to, int width)
            throws OrtException {
        int n = to - from;
        // an empty text reads as one padding step, as length() counts it
        long[] ids = new long[n * width];
        for (int r = 0; r < n; r++) {
            int[] sequence = sequences[rows[from + r]];
            for (int t = 0; t < sequence.length; t++) {
                ids[r * width + t] = sequence[t];
            }
        }
        return OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), new long[] {n, width});
    }
}
