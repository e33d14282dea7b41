package com.example.sentiment.ml;

/** Receives progress from a running training; called on the training thread, so keep it cheap. */
public interface TrainingObserver {

    /** Once, before the first batch: the size of the training data after tokenisation. */
    default void onStart(int examples, long tokens) {
    }

    /**
     * While a job with an encoder computes the encoder's states of its texts, before the first batch: {@code done}
     * of {@code total} texts (training and validation) so far.
     */
    default void onEncoding(int done, int total) {
    }

    /** After every minibatch; {@code epoch} and {@code batch} count from 1. */
    void onBatch(int epoch, int batch, int totalBatches, double loss);

    /** After every epoch's validation. */
    void onEpoch(EpochMetrics metrics);

    /**
     * Before each candidate of a {@link ConfigurationSearch} (a single configuration is candidate 0 of 1): the
     * epochs and batches that follow are that candidate's.
     */
    default void onCandidate(int index, int count, String name) {
    }

    /**
     * While a teacher labels the texts a student is distilled from (before the first candidate): {@code labelled}
     * of {@code total} texts done.
     */
    default void onLabelling(int labelled, int total) {
    }

    /**
     * Once, before the first training of a {@link ConfigurationSearch}: the trainings it plans, each candidate's
     * on all training rows and, when it cross-validates, each candidate's folds after those. It trains fewer when
     * the time budget runs out or cannot fit the folds.
     */
    default void onSearch(int plannedTrainings) {
    }

    /**
     * When a {@link ConfigurationSearch} cross-validates, before each training of the current candidate's folds:
     * {@code fold} (from 1) of {@code folds}, a model trained on the other folds.
     */
    default void onFold(int fold, int folds) {
    }

    TrainingObserver NONE = new TrainingObserver() {
        @Override
        public void onBatch(int epoch, int batch, int totalBatches, double loss) {
        }

        @Override
        public void onEpoch(EpochMetrics metrics) {
        }
    };
}
