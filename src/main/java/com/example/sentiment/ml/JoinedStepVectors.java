package com.example.sentiment.ml;

import java.util.Arrays;

/**
 * An encoder's states joined, step by step, with a word vector of the word each piece came from: step
 * {@code t} of a text is its state (D values), then the vector of its word (W values), zeros for a piece
 * without one (the start and end markers, a word the vectors do not have). The lengths, and so the padding
 * and the mask, are the states' own.
 *
 * <p>An experiment (issue 25): whether the LSTM does better when it also reads the word a piece belongs to.
 * Only training and the experiment's evaluation read it; a model trained on it cannot serve, since serving
 * computes the encoder's states alone.
 */
final class JoinedStepVectors extends StepVectors {

    private final StepVectors states;
    private final int[][] wordOfStep;
    private final float[][] wordVectors;

    /**
     * @param wordOfStep for each text and step of {@code states}, a row of {@code wordVectors}, or -1 for none
     * @param wordVectors the word vectors, all of one length
     */
    JoinedStepVectors(StepVectors states, int[][] wordOfStep, float[][] wordVectors) {
        super(states.dimension + (wordVectors.length == 0 ? 0 : wordVectors[0].length));
        if (wordOfStep.length != states.size()) {
            throw new IllegalArgumentException(wordOfStep.length + " texts of words for " + states.size() + " texts");
        }
        for (int row = 0; row < wordOfStep.length; row++) {
            if (wordOfStep[row].length != states.length(row)) {
                throw new IllegalArgumentException("text " + row + " has " + states.length(row) + " steps and "
                        + wordOfStep[row].length + " words");
            }
        }
        this.states = states;
        this.wordOfStep = wordOfStep;
        this.wordVectors = wordVectors;
    }

    @Override
    public int size() {
        return states.size();
    }

    @Override
    public int length(int row) {
        return states.length(row);
    }

    @Override
    void copySteps(int row, float[] into, int offset) {
        int stateSize = states.dimension;
        int wordSize = dimension - stateSize;
        int steps = states.length(row);
        // a buffer per call: several threads read one set of texts at once
        float[] own = new float[steps * stateSize];
        states.copySteps(row, own, 0);
        for (int t = 0; t < steps; t++) {
            int at = offset + t * dimension;
            System.arraycopy(own, t * stateSize, into, at, stateSize);
            int word = wordOfStep[row][t];
            if (word < 0) {
                Arrays.fill(into, at + stateSize, at + dimension, 0f);
            } else {
                System.arraycopy(wordVectors[word], 0, into, at + stateSize, wordSize);
            }
        }
    }
}
