package com.example.sentiment.ml;

/**
 * Texts already tokenised and encoded with a {@link Vocabulary}: one id sequence per text (cut to the
 * maximum sequence length, never empty) and the index of its label in a shared label list. This is all that
 * training and evaluation read, so a large upload never has to be held as Java strings.
 *
 * @param targets soft training targets, one probability row per text (each row sums to 1), which the loss reads
 *                instead of the one-hot label when present (a distilled student learns a teacher's
 *                probabilities); null for one-hot labels. Validation and evaluation always read {@code labels}.
 *                For multi-label texts: each text's multi-hot row (1 for every label it has), which training,
 *                validation and evaluation all read
 * @param multiLabel whether a text may have several labels ({@code targets} multi-hot, {@code labels} then holds
 *                   one of each text's labels, for stratified folds); the network ends in one sigmoid per label
 */
public record EncodedTexts(int[][] sequences, int[] labels, float[][] targets, boolean multiLabel) {

    public EncodedTexts {
        if (multiLabel && targets == null) {
            throw new IllegalArgumentException("multi-label texts need their multi-hot targets");
        }
        if (sequences.length != labels.length) {
            throw new IllegalArgumentException("sequences and labels differ in length");
        }
        if (targets != null && targets.length != labels.length) {
            throw new IllegalArgumentException("targets and labels differ in length");
        }
    }

    /** Single-label texts, with soft targets or (null) without. */
    public EncodedTexts(int[][] sequences, int[] labels, float[][] targets) {
        this(sequences, labels, targets, false);
    }

    /** Texts with one-hot labels. */
    public EncodedTexts(int[][] sequences, int[] labels) {
        this(sequences, labels, null);
    }

    public int size() {
        return labels.length;
    }

    /** Tokenises and encodes texts the way {@link TextClassifier} does when it classifies them. */
    public static EncodedTexts encode(LabelledTexts texts, Tokenizer tokenizer, Vocabulary vocabulary, int maxLength) {
        int[][] sequences = new int[texts.size()][];
        for (int i = 0; i < sequences.length; i++) {
            sequences[i] = vocabulary.encode(tokenizer.tokenize(texts.texts().get(i)), maxLength);
        }
        return new EncodedTexts(sequences, texts.labels());
    }
}
