package com.example.sentiment.ml;

/**
 * Stratified k-fold cross-validation over encoded rows: every row belongs to exactly one fold, and each
 * label's rows are spread over the folds as evenly as they can be, so that every fold holds about the
 * label shares of the whole and the folds differ in size by at most one row.
 *
 * @param foldOf the fold (from 0) of each row
 */
record StratifiedFolds(int folds, int[] foldOf) {

    /**
     * Per label (in label order), a seeded shuffle of its rows dealt round the folds, each label starting at
     * the fold where the previous one stopped: a label with fewer rows than folds does not always land in the
     * first ones.
     */
    static StratifiedFolds of(int[] labels, int classes, int folds, long seed) {
        if (folds < 2 || folds > labels.length) {
            throw new IllegalArgumentException("need 2 to " + labels.length + " folds, not " + folds);
        }
        int[][] byLabel = LabelStrata.shuffled(labels, classes, seed);
        int[] foldOf = new int[labels.length];
        int next = 0;
        for (int[] rows : byLabel) {
            for (int row : rows) {
                foldOf[row] = next;
                next = (next + 1) % folds;
            }
        }
        return new StratifiedFolds(folds, foldOf);
    }

    /** The rows of {@code fold} (in row order): what a model trained on the others predicts. */
    int[] heldOut(int fold) {
        return rows(fold, true);
    }

    /** The rows of every other fold (in row order): what the model that predicts {@code fold} trains on. */
    int[] trainedOn(int fold) {
        return rows(fold, false);
    }

    /**
     * A job's inputs with the training rows of every other fold than {@code fold}, read from {@code all}'s
     * training inputs (an encoder's states are not copied), and the same validation split.
     */
    TrainingInputs trainedOn(int fold, TrainingInputs all) {
        int[] texts = trainedOn(fold);
        if (all.trainWindows() == null) {
            return new TrainingInputs(select(all.train(), texts), all.validation(),
                    new SelectedRows(all.trainFeatures(), texts), all.validationFeatures(), all.encoder());
        }
        // the rows are windows of long texts: the folds hold whole texts, every window of a text in its text's fold
        int[] rows = all.trainWindows().rowsOf(texts);
        return new TrainingInputs(select(all.train(), rows), all.validation(),
                new SelectedRows(all.trainFeatures(), rows), all.validationFeatures(), all.encoder(),
                all.trainWindows().restricted(rows, texts), all.validationWindows());
    }

    /**
     * What a classifier trained without {@code fold} predicts for each of the texts of {@code fold}, in their
     * order, from {@code all}'s training inputs: a text read in windows gets the mean of its windows'
     * probabilities.
     */
    static int[] predictHeldOut(TextClassifier classifier, TrainingInputs all, int[] texts) {
        int[] rows = all.trainWindows().rowsOf(texts);
        return classifier.predictedLabels(new SelectedRows(all.trainFeatures(), rows),
                all.trainWindows().restricted(rows, texts));
    }

    private int[] rows(int fold, boolean inFold) {
        int count = 0;
        for (int f : foldOf) {
            count += (f == fold) == inFold ? 1 : 0;
        }
        int[] rows = new int[count];
        int k = 0;
        for (int row = 0; row < foldOf.length; row++) {
            if ((foldOf[row] == fold) == inFold) {
                rows[k++] = row;
            }
        }
        return rows;
    }

    /** The given rows of {@code data}, sharing its sequences (nothing is copied but the references). */
    static EncodedTexts select(EncodedTexts data, int[] rows) {
        int[][] sequences = new int[rows.length][];
        int[] labels = new int[rows.length];
        float[][] targets = data.targets() == null ? null : new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            sequences[i] = data.sequences()[rows[i]];
            labels[i] = data.labels()[rows[i]];
            if (targets != null) {
                targets[i] = data.targets()[rows[i]];
            }
        }
        return new EncodedTexts(sequences, labels, targets, data.multiLabel());
    }
}
