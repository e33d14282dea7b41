package com.example.sentiment.ml;

import java.util.Random;

/**
 * Rows grouped by their label, each group in a seeded random order: what a stratified validation split and
 * stratified cross-validation folds deal out, so that both draw the same way.
 */
public final class LabelStrata {

    private LabelStrata() {
    }

    /**
     * The row numbers of each label (in label order), each group shuffled in turn with one {@link Random} of
     * {@code seed} (Fisher-Yates, as {@code Collections.shuffle} does).
     *
     * @param labels each row's label index, below {@code classes}
     */
    public static int[][] shuffled(int[] labels, int classes, long seed) {
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        int[][] byLabel = new int[classes][];
        for (int c = 0; c < classes; c++) {
            byLabel[c] = new int[counts[c]];
            counts[c] = 0;
        }
        for (int row = 0; row < labels.length; row++) {
            byLabel[labels[row]][counts[labels[row]]++] = row;
        }
        Random random = new Random(seed);
        for (int[] rows : byLabel) {
            for (int i = rows.length; i > 1; i--) {
                int j = random.nextInt(i);
                int swap = rows[i - 1];
                rows[i - 1] = rows[j];
                rows[j] = swap;
            }
        }
        return byLabel;
    }
}
