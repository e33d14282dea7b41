package com.example.sentiment.dataset;

import java.util.Arrays;

/**
 * Honest validation on phrase corpora such as SST, whose rows are sentences and the phrases cut from them:
 * holding out random rows would leave the phrases of a held-out sentence in training, and the validation
 * figure would overstate the accuracy on new sentences (by about 8 points on SST-2). Here only whole
 * sentences are held out, and every training row inside a held-out sentence is left out of training.
 *
 * <p>Token sequences are compared by 64-bit polynomial hashes held in sorted arrays (8 bytes each, no boxing):
 * with a few million spans, a false match is about as likely as one in 10^6 files. Sub-sequences longer than
 * {@value #MAX_SPAN} tokens are not indexed, so a phrase that long counts as a sentence of its own.
 */
final class SentenceHoldOut {

    static final int MAX_SPAN = 64;
    private static final long PRIME = 1_000_003L;

    private SentenceHoldOut() {
    }

    /** The rows that are not a contiguous part of another, longer row: the sentences. */
    static int[] sentences(TokenisedRows rows, int[] identity) {
        long count = 0;
        for (int r = 0; r < rows.size(); r++) {
            count += properSpans(rows.length(r));
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw InvalidDatasetException.of("data", "too many phrases to find the sentences among them: "
                    + "hold out rows instead (validationUnit rows)");
        }
        long[] spans = new long[(int) count];
        int n = 0;
        for (int r = 0; r < rows.size(); r++) {
            int[] tokens = rows.tokens(r, rows.length(r), identity);
            n = addSpans(tokens, tokens.length - 1, spans, n);
        }
        Arrays.sort(spans);
        int[] out = new int[rows.size()];
        int k = 0;
        for (int r = 0; r < rows.size(); r++) {
            if (Arrays.binarySearch(spans, hash(rows.tokens(r, rows.length(r), identity))) < 0) {
                out[k++] = r;
            }
        }
        return Arrays.copyOf(out, k);
    }

    /** The candidate training rows that are not inside (or equal to) any of the held-out sentences. */
    static int[] outside(TokenisedRows rows, int[] candidates, int[] heldSentences, int[] identity) {
        long count = 0;
        for (int r : heldSentences) {
            count += properSpans(rows.length(r)) + 1;
        }
        long[] spans = new long[(int) Math.min(count, Integer.MAX_VALUE - 8)];
        int n = 0;
        for (int r : heldSentences) {
            int[] tokens = rows.tokens(r, rows.length(r), identity);
            n = addSpans(tokens, tokens.length, spans, n);
        }
        Arrays.sort(spans, 0, n);
        int[] out = new int[candidates.length];
        int k = 0;
        for (int r : candidates) {
            if (Arrays.binarySearch(spans, 0, n, hash(rows.tokens(r, rows.length(r), identity))) < 0) {
                out[k++] = r;
            }
        }
        return Arrays.copyOf(out, k);
    }

    /** Spans of 1 to min(length - 1, MAX_SPAN) tokens. */
    private static long properSpans(int length) {
        long total = 0;
        for (int span = 1; span <= Math.min(length - 1, MAX_SPAN); span++) {
            total += length - span + 1;
        }
        return total;
    }

    /** Adds the hash of every span of 1 to min(longest, MAX_SPAN) tokens. */
    private static int addSpans(int[] tokens, int longest, long[] spans, int n) {
        int limit = Math.min(longest, MAX_SPAN);
        for (int start = 0; start < tokens.length; start++) {
            long h = 0;
            for (int end = start; end < tokens.length && end - start < limit; end++) {
                h = h * PRIME + tokens[end] + 1;
                if (n < spans.length) {
                    spans[n++] = h;
                }
            }
        }
        return n;
    }

    private static long hash(int[] tokens) {
        long h = 0;
        for (int t : tokens) {
            h = h * PRIME + t + 1;
        }
        return h;
    }
}
