package com.example.sentiment.ml;

import java.util.Map;

/**
 * The classifier's answer for one text.
 *
 * @param scores the probability of every label, in the model's label order
 * @param tokens the number of tokens the model read (for a model that reads an encoder's states: the word pieces,
 *               without the encoder's start and end markers)
 * @param truncated whether the text had more tokens (or pieces) than the model reads
 */
public record Prediction(String label, double confidence, Map<String, Double> scores, int tokens, boolean truncated) {
}
