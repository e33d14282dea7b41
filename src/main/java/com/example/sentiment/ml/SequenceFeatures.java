package com.example.sentiment.ml;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the LSTM reads for a set of texts, row by row: token ids that the network's embedding layer looks up
 * ({@link TokenIds}), or one vector per step that it reads as they are (an encoder's states,
 * {@link StepVectors}). Training batches, validation and both serving paths take their input from here.
 */
interface SequenceFeatures {

    /** The number of texts. */
    int size();

    /** The steps of text {@code row}: at least 1. */
    int length(int row);

    /**
     * The network's input for texts {@code rows[from..to)}: the features, end-padded to the longest of them, and
     * the mask {@code [n, T]} (1 on real steps).
     */
    INDArray[] featuresAndMask(int[] rows, int from, int to);

    /**
     * The LSTM's input {@code [n, width, E]} for the texts {@code rows}, in that order: each text's steps first,
     * then padding that no summary reads. Allocated in the caller's workspace.
     *
     * @param embedding the network's embedding matrix, or null when it has none
     */
    INDArray lstmInput(int[] rows, int width, INDArray embedding, DataType type);

    /**
     * The input of {@link OnnxClassifierGraph} for texts {@code rows[from..to)}, end-padded with zeros to
     * {@code width}: token ids {@code int64 [n, width]} or step vectors {@code float [n, width, E]}.
     */
    OnnxTensor onnxInput(OrtEnvironment environment, int[] rows, int from, int to, int width) throws OrtException;

    /** The same texts laid out for the first layer of a network of this engine. */
    default SequenceFeatures forEngine(HyperParameters.Engine engine) {
        return this;
    }
}
