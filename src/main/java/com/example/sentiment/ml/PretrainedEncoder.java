package com.example.sentiment.ml;

import java.util.List;

/**
 * A frozen pretrained text encoder (a small transformer run by ONNX Runtime): it splits a text into word
 * pieces and gives one contextual state vector per piece, which an LSTM reads in place of word vectors.
 *
 * <p>Implementations are safe to call from many threads at once; each call runs on the calling thread.
 */
public interface PretrainedEncoder {

    /** The name a training setting and a model version use for it, such as {@code e5-small}. */
    String name();

    /** The length of each state vector (384 for the bundled encoders). */
    int dimension();

    /**
     * The piece ids of {@code text} as the encoder reads them, its start and end markers included
     * ({@code [CLS] ... [SEP]}), at most {@code maxPieces} of them: a longer text keeps its first pieces and
     * still ends with the end marker.
     */
    int[] pieces(String text, int maxPieces);

    /**
     * The state vectors of each piece sequence: {@code result[i][t]} is the state of piece {@code t} of text
     * {@code i}, {@link #dimension()} floats. Sequences are run in batches of similar length, so that short
     * texts do not pay for long ones; the answers are in the order of the inputs.
     */
    float[][][] states(List<int[]> pieces);
}
