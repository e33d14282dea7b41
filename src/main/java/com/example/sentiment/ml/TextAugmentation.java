package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * New training texts made from a text's tokens, for a teacher to label and a student to learn from, as Tang et
 * al. (2019, "Distilling Task-Specific Knowledge from BERT into Simple Neural Networks", section 3.3) make them:
 * each token is masked (replaced by {@link Vocabulary#UNKNOWN}) with probability {@code mask}, else swapped for
 * one of its word-vector neighbours with probability {@code swap}; then, with probability {@code ngram}, only a
 * random n-gram of the result is kept, n drawn from 1 to 5.
 *
 * <p>Pure and deterministic: the same tokens and the same {@link Random} state give the same texts.
 */
public final class TextAugmentation {

    /** Tang et al.'s probabilities. */
    public static final double MASK = 0.1;
    public static final double SWAP = 0.1;
    public static final double NGRAM = 0.25;
    static final int MAX_NGRAM = 5;
    // attempts per wanted copy before a short text gives fewer copies (most variants of a two-word text repeat)
    private static final int ATTEMPTS_PER_COPY = 3;

    private final WordNeighbours neighbours;
    private final double mask;
    private final double swap;
    private final double ngram;

    /** Tang et al.'s augmentation with these neighbours ({@link WordNeighbours#NONE} for no swaps). */
    public TextAugmentation(WordNeighbours neighbours) {
        this(neighbours, MASK, SWAP, NGRAM);
    }

    TextAugmentation(WordNeighbours neighbours, double mask, double swap, double ngram) {
        this.neighbours = neighbours;
        this.mask = mask;
        this.swap = swap;
        this.ngram = ngram;
    }

    /**
     * Up to {@code copies} different augmented texts, none equal to {@code tokens}; fewer when the text is too
     * short to give that many different ones within a few attempts each.
     */
    public List<List<String>> copies(List<String> tokens, int copies, Random random) {
        List<List<String>> out = new ArrayList<>(copies);
        if (tokens.isEmpty()) {
            return out;
        }
        Set<List<String>> seen = new HashSet<>();
        seen.add(tokens);
        for (int attempt = 0; attempt < copies * ATTEMPTS_PER_COPY && out.size() < copies; attempt++) {
            List<String> variant = augment(tokens, random);
            if (seen.add(variant)) {
                out.add(variant);
            }
        }
        return out;
    }

    /** One augmented text: masks and swaps, token by token, then perhaps an n-gram of the result. */
    public List<String> augment(List<String> tokens, Random random) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            double draw = random.nextDouble();
            if (draw < mask) {
                out.add(Vocabulary.UNKNOWN);
            } else if (draw < mask + swap) {
                out.add(neighbour(token, random));
            } else {
                out.add(token);
            }
        }
        return random.nextDouble() < ngram ? ngram(out, random) : out;
    }

    /** Each token masked with probability {@code mask}. */
    List<String> mask(List<String> tokens, Random random) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            out.add(random.nextDouble() < mask ? Vocabulary.UNKNOWN : token);
        }
        return out;
    }

    /** Each token that has neighbours swapped for a random one of them with probability {@code swap}. */
    List<String> swap(List<String> tokens, Random random) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            out.add(random.nextDouble() < swap ? neighbour(token, random) : token);
        }
        return out;
    }

    /** A random n-gram of the tokens, n drawn from 1 to 5 (at most the text's length); the text when empty. */
    static List<String> ngram(List<String> tokens, Random random) {
        if (tokens.isEmpty()) {
            return tokens;
        }
        int n = Math.min(tokens.size(), 1 + random.nextInt(MAX_NGRAM));
        int start = random.nextInt(tokens.size() - n + 1);
        return new ArrayList<>(tokens.subList(start, start + n));
    }

    private String neighbour(String token, Random random) {
        String[] near = neighbours.of(token);
        return near.length == 0 ? token : near[random.nextInt(near.length)];
    }
}
