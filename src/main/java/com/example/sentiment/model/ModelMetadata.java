package com.example.sentiment.model;

import com.example.sentiment.ml.EpochMetrics;
import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.HyperParameters;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What is known about a model version, stored as {@code metadata.json} beside its files.
 *
 * @param wordVectorsCovered vocabulary words that started from a pre-computed vector (null without vectors)
 * @param checksums SHA-256 of every file of the version, checked when the version is loaded
 */
public record ModelMetadata(
        String id,
        String name,
        Instant createdAt,
        String trainingJobId,
        List<String> labels,
        HyperParameters hyperParameters,
        int vocabularySize,
        Integer wordVectorsCovered,
        long parameters,
        EvaluationReport evaluation,
        DatasetFingerprint dataset,
        List<EpochMetrics> history,
        int bestEpoch,
        double trainingSeconds,
        Map<String, String> checksums) {

    /** Which data a version was trained on. */
    public record DatasetFingerprint(String sha256, int rows, int trainExamples, int validationExamples,
                                     Map<String, Integer> examplesPerLabel) {
    }

    ModelMetadata withId(String newId, Map<String, String> newChecksums) {
        return new ModelMetadata(newId, name, createdAt, trainingJobId, labels, hyperParameters, vocabularySize,
                wordVectorsCovered, parameters, evaluation, dataset, history, bestEpoch, trainingSeconds, newChecksums);
    }
}
