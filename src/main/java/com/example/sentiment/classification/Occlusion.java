package com.example.sentiment.classification;

import com.example.sentiment.ml.Prediction;
import java.util.ArrayList;
import java.util.List;

/**
 * Explanations by occlusion: a text's tokens are weighed by classifying the text once as it is and once
 * without each token it read (N+1 variants, classified as one batch), and a token's weight is how much the
 * predicted label's probability drops when it is left out.
 *
 * <p>Tokens past the model's maximum sequence length were never read, so they get no entry and the variants
 * leave them out too: leaving a read token out must not pull an unread one in.
 */
final class Occlusion {

    private Occlusion() {
    }

    /** The tokens that the model reads of a text, in text order. */
    static List<String> readTokens(List<String> tokens, int maxSequenceLength) {
        return tokens.size() <= maxSequenceLength ? tokens : tokens.subList(0, maxSequenceLength);
    }

    /**
     * The inputs to classify for one explanation: first the text's own tokens (all of them, so that the answer
     * still says whether it was truncated), then one variant per read token with that token left out.
     */
    static List<List<String>> variants(List<String> tokens, int maxSequenceLength) {
        return variants(tokens, maxSequenceLength, false);
    }

    /**
     * The same; with {@code chunked} (a model that reads a long text in windows, {@code longText} chunk), each
     * variant is the whole text without one of its first {@code maxSequenceLength} tokens, so that it is read in
     * windows too and compared with the whole text's answer (the mean of its windows'). Only the first window's
     * tokens are weighed, as for a truncated text.
     */
    static List<List<String>> variants(List<String> tokens, int maxSequenceLength, boolean chunked) {
        List<String> read = readTokens(tokens, maxSequenceLength);
        List<String> kept = chunked ? tokens : read;
        List<List<String>> variants = new ArrayList<>(read.size() + 1);
        variants.add(tokens);
        for (int i = 0; i < read.size(); i++) {
            List<String> without = new ArrayList<>(kept.size() - 1);
            without.addAll(kept.subList(0, i));
            without.addAll(kept.subList(i + 1, kept.size()));
            variants.add(without);
        }
        return variants;
    }

    /**
     * The weights from the predictions of {@link #variants}: {@code predictions.get(0)} is the text's own, then
     * one per read token in the same order.
     */
    static List<TokenWeight> weights(List<String> tokens, int maxSequenceLength, List<Prediction> predictions) {
        return weights(tokens, maxSequenceLength, predictions, null);
    }

    /** The same for the probability of {@code label} (one of the model's), or of the top label when null. */
    static List<TokenWeight> weights(List<String> tokens, int maxSequenceLength, List<Prediction> predictions,
                                     String label) {
        List<String> read = readTokens(tokens, maxSequenceLength);
        if (predictions.size() != read.size() + 1) {
            throw new IllegalArgumentException("expected " + (read.size() + 1) + " predictions, got " + predictions.size());
        }
        Prediction whole = predictions.get(0);
        if (label == null) {
            label = whole.label();
        }
        double probability = whole.scores().get(label);
        List<TokenWeight> weights = new ArrayList<>(read.size());
        for (int i = 0; i < read.size(); i++) {
            weights.add(new TokenWeight(read.get(i), probability - predictions.get(i + 1).scores().get(label)));
        }
        return weights;
    }
}
