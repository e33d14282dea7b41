package com.example.sentiment.ml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The classifier's answer for one text.
 *
 * @param scores the probability of every label, in the model's label order
 * @param tokens the number of tokens the model read (for a model that reads an encoder's states: the word pieces,
 *               without the encoder's start and end markers)
 * @param truncated whether the text had more tokens (or pieces) than the model reads
 * @param unknownTokens how many of the tokens read are outside the model's vocabulary (read as its unknown
 *                      word); -1 when not counted, as for a model that reads an encoder's pieces (it has no
 *                      vocabulary of words)
 * @param chunks the windows the text was read as: 1, or more for a long text read with {@link LongText#CHUNK}
 *               (whose probabilities are then the mean of its windows')
 * @param labels for a multi-label model, the labels whose probability reaches their threshold, most probable
 *               first (possibly none; {@code label} is then still the most probable one); null for a single-label
 *               model, whose {@code scores} sum to 1
 */
public record Prediction(String label, double confidence, Map<String, Double> scores, int tokens, boolean truncated,
                         int unknownTokens, int chunks, List<String> labels) {

    /** A single-label prediction read in one window, whose unknown words were not counted. */
    public Prediction(String label, double confidence, Map<String, Double> scores, int tokens, boolean truncated) {
        this(label, confidence, scores, tokens, truncated, -1, 1, null);
    }

    /** A single-label prediction. */
    public Prediction(String label, double confidence, Map<String, Double> scores, int tokens, boolean truncated,
                      int unknownTokens, int chunks) {
        this(label, confidence, scores, tokens, truncated, unknownTokens, chunks, null);
    }

    /**
     * The single-label answer for {@code probabilities}, given in {@code labels}' order: the most probable label
     * (the first of equal ones) with its probability, and every label's.
     */
    static Prediction mostProbable(List<String> labels, double[] probabilities, int tokens, boolean truncated,
                                   int unknownTokens, int chunks) {
        Map<String, Double> scores = new LinkedHashMap<>();
        int best = 0;
        for (int c = 0; c < probabilities.length; c++) {
            scores.put(labels.get(c), probabilities[c]);
            if (probabilities[c] > probabilities[best]) {
                best = c;
            }
        }
        return new Prediction(labels.get(best), probabilities[best], scores, tokens, truncated, unknownTokens, chunks);
    }

    /** A prediction read in one window, whose unknown words were not counted. */
    public Prediction(String label, double confidence, Map<String, Double> scores, int tokens, boolean truncated,
                      List<String> labels) {
        this(label, confidence, scores, tokens, truncated, -1, 1, labels);
    }
}
