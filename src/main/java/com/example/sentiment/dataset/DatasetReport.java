package com.example.sentiment.dataset;

import java.util.Map;

/**
 * What a job trained on: rows read, used and skipped (with the reasons), examples per label and the split.
 *
 * @param sha256 fingerprint of the uploaded training file's bytes
 * @param validationExamples validation examples used, after {@code validationDuplicatesRemoved}
 * @param validationDuplicatesRemoved validation examples left out because a training example has the same
 *                                    tokens (the copy stays in training): the validation figure is on unseen text
 * @param feedbackAdded stored corrections added to the rows ({@code includeFeedback})
 * @param feedbackDuplicates stored corrections left out: the upload had the same text and label, or a newer
 *                           correction of the same text was added
 * @param trainingPhrasesLeftOut with {@code "validationUnit": "sentences"}: training rows left out because they
 *                               are part of a held-out sentence; null otherwise
 * @param labelCombinations for a multi-label job, how many rows have each combination of labels (the labels
 *                          joined by the separator, sorted; the empty string for none), most frequent first;
 *                          {@code examplesPerLabel} then counts the rows that have each label. Null for a
 *                          single-label job
 */
public record DatasetReport(
        String format,
        String sha256,
        int rowsRead,
        int rowsUsed,
        int rowsSkipped,
        Map<String, Integer> skippedReasons,
        Map<String, Integer> examplesPerLabel,
        int trainExamples,
        int validationExamples,
        String validationSource,
        int validationDuplicatesRemoved,
        int feedbackAdded,
        int feedbackDuplicates,
        Integer trainingPhrasesLeftOut,
        Map<String, Integer> labelCombinations) {

    /** A single-label job's report. */
    public DatasetReport(String format, String sha256, int rowsRead, int rowsUsed, int rowsSkipped,
                         Map<String, Integer> skippedReasons, Map<String, Integer> examplesPerLabel,
                         int trainExamples, int validationExamples, String validationSource,
                         int validationDuplicatesRemoved, int feedbackAdded, int feedbackDuplicates,
                         Integer trainingPhrasesLeftOut) {
        this(format, sha256, rowsRead, rowsUsed, rowsSkipped, skippedReasons, examplesPerLabel, trainExamples,
                validationExamples, validationSource, validationDuplicatesRemoved, feedbackAdded, feedbackDuplicates,
                trainingPhrasesLeftOut, null);
    }
}
