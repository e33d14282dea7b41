package com.example.sentiment.ml;

import java.util.List;
import java.util.Map;

/**
 * The classifier's answer for one text.
 *
 * @param scores the probability of every label, in the model's label order
 * @param tokens the number of tokens the model read (for a model that reads an encoder's states: the word pieces,
 *               without the encoder's start and end markers)
 * @param truncated whether the text had more tokens (or pieces) than the model reads
 * @param labels for a multi-label model, the labels whose probability reaches their threshold, most probable
 *               first (possibly none; {@code label} is then still the most probable one); null for a single-label
 *               model, whose {@code scores} sum to 1
 */
public record Prediction(String label, double confidence, Map<String, Double> scores, int tokens, boolean truncated,
                         List<String> labels) {

    /** A single-label model's answer. */
    public Prediction(String label, double confidence, Map<String, Double> scores, int tokens, boolean truncated) {
        this(label, confidence, scores, tokens, truncated, null);
    }
}
