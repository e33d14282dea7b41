package com.example.sentiment.drift;

import com.example.sentiment.ml.Prediction;
import java.util.List;
import java.util.Map;

/**
 * What drift compares between live traffic and a version's validation data, each as a histogram of fixed bins
 * (the label signal's bins are the version's labels). The bins are part of the reference file's format: a file
 * whose bins differ from these is not compared.
 */
enum Signal {

    /**
     * Tokens the model read (at most its maximum sequence length), in bins about a factor of √2 apart: short
     * questions and long reviews fall into different bins.
     */
    LENGTH("length", List.of("0-2", "3-4", "5-6", "7-8", "9-11", "12-16", "17-22", "23-32", "33-45", "46-64",
            "65-90", "91-128", ">128")),
    /** The share of the tokens read that are outside the version's vocabulary (word-id versions only). */
    UNKNOWN_SHARE("unknown-share", List.of("0", "0-0.1", "0.1-0.2", "0.2-0.35", "0.35-0.5", "0.5-1")),
    /** The predicted label. */
    LABEL("label", List.of()),
    /** The top probability. */
    CONFIDENCE("confidence", List.of("<0.5", "0.5-0.6", "0.6-0.7", "0.7-0.8", "0.8-0.9", "0.9-0.95", "0.95-0.99",
            ">=0.99"));

    private static final int[] LENGTH_UPPER = {2, 4, 6, 8, 11, 16, 22, 32, 45, 64, 90, 128};
    private static final double[] UNKNOWN_UPPER = {0, 0.1, 0.2, 0.35, 0.5};
    private static final double[] CONFIDENCE_UPPER = {0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99};

    private final String key;
    private final List<String> fixedBins;

    Signal(String key, List<String> fixedBins) {
        this.key = key;
        this.fixedBins = fixedBins;
    }

    /** The signal's name in the API, the reference file and the metrics' {@code signal} tag. */
    String key() {
        return key;
    }

    /** The bins' names for a version with these labels. */
    List<String> bins(List<String> labels) {
        return this == LABEL ? labels : fixedBins;
    }

    /**
     * The bin of one prediction, or -1 when the signal does not apply to it (unknown words not counted, a label
     * the version does not have).
     *
     * @param labelIndex the index of each of the version's labels
     */
    int bin(Prediction p, Map<String, Integer> labelIndex) {
        return switch (this) {
            case LENGTH -> lengthBin(p.tokens());
            case UNKNOWN_SHARE -> p.unknownTokens() < 0 ? -1
                    : p.tokens() <= 0 ? 0 : atOrBelow(UNKNOWN_UPPER, (double) p.unknownTokens() / p.tokens());
            case LABEL -> labelIndex.getOrDefault(p.label(), -1);
            case CONFIDENCE -> below(CONFIDENCE_UPPER, p.confidence());
        };
    }

    static Signal byKey(String key) {
        for (Signal s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }

    private static int lengthBin(int tokens) {
        for (int i = 0; i < LENGTH_UPPER.length; i++) {
            if (tokens <= LENGTH_UPPER[i]) {
                return i;
            }
        }
        return LENGTH_UPPER.length;
    }

    /** The first bin whose upper edge (inclusive) holds {@code value}; the last one past every edge. */
    private static int atOrBelow(double[] upper, double value) {
        for (int i = 0; i < upper.length; i++) {
            if (value <= upper[i]) {
                return i;
            }
        }
        return upper.length;
    }

    /** The same with exclusive upper edges ({@code [0.5, 0.6)} and so on). */
    private static int below(double[] upper, double value) {
        for (int i = 0; i < upper.length; i++) {
            if (value < upper[i]) {
                return i;
            }
        }
        return upper.length;
    }
}
