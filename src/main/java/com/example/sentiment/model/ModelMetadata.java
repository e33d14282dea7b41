package com.example.sentiment.model;

import com.example.sentiment.ml.Calibration;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.Distillation;
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
 * @param evaluations figures on other labelled files (such as a dev set), by file name; recorded by the
 *                    {@code evaluate --record} command, empty or null otherwise
 * @param minConfidence the version's default abstention threshold: below it a classification answers no
 *                      label (a request's own {@code minConfidence} overrides it); null for none
 * @param candidates the configurations the job tried ({@code "preset": "auto"}) and which one it kept; null in
 *                   versions from before the search existed
 * @param ensembleMembers for an ensemble, each member alone on the validation data; null or empty otherwise
 * @param distillation the teacher the version learnt from, its augmentation and teacher weight; null for a version
 *                     trained on its labels alone
 * @param calibration the temperature its probabilities are served with, their calibration error before and after,
 *                    the validation precision curve and the version's precision-target and ambiguity defaults; null
 *                    in versions from before calibration (they serve their probabilities as they are)
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
        Map<String, String> checksums,
        Map<String, EvaluationReport> evaluations,
        Double minConfidence,
        List<ConfigurationSearch.CandidateReport> candidates,
        List<EvaluationReport> ensembleMembers,
        Distillation distillation,
        Calibration calibration) {

    /** Metadata without a calibration. */
    public ModelMetadata(String id, String name, Instant createdAt, String trainingJobId, List<String> labels,
                         HyperParameters hyperParameters, int vocabularySize, Integer wordVectorsCovered,
                         long parameters, EvaluationReport evaluation, DatasetFingerprint dataset,
                         List<EpochMetrics> history, int bestEpoch, double trainingSeconds,
                         Map<String, String> checksums, Map<String, EvaluationReport> evaluations,
                         Double minConfidence, List<ConfigurationSearch.CandidateReport> candidates,
                         List<EvaluationReport> ensembleMembers, Distillation distillation) {
        this(id, name, createdAt, trainingJobId, labels, hyperParameters, vocabularySize, wordVectorsCovered,
                parameters, evaluation, dataset, history, bestEpoch, trainingSeconds, checksums, evaluations,
                minConfidence, candidates, ensembleMembers, distillation, null);
    }

    /** Metadata without search candidates or ensemble members. */
    public ModelMetadata(String id, String name, Instant createdAt, String trainingJobId, List<String> labels,
                         HyperParameters hyperParameters, int vocabularySize, Integer wordVectorsCovered,
                         long parameters, EvaluationReport evaluation, DatasetFingerprint dataset,
                         List<EpochMetrics> history, int bestEpoch, double trainingSeconds,
                         Map<String, String> checksums, Map<String, EvaluationReport> evaluations,
                         Double minConfidence) {
        this(id, name, createdAt, trainingJobId, labels, hyperParameters, vocabularySize, wordVectorsCovered,
                parameters, evaluation, dataset, history, bestEpoch, trainingSeconds, checksums, evaluations,
                minConfidence, null, null);
    }

    /** Metadata of a version trained without a teacher. */
    public ModelMetadata(String id, String name, Instant createdAt, String trainingJobId, List<String> labels,
                         HyperParameters hyperParameters, int vocabularySize, Integer wordVectorsCovered,
                         long parameters, EvaluationReport evaluation, DatasetFingerprint dataset,
                         List<EpochMetrics> history, int bestEpoch, double trainingSeconds,
                         Map<String, String> checksums, Map<String, EvaluationReport> evaluations,
                         Double minConfidence, List<ConfigurationSearch.CandidateReport> candidates,
                         List<EvaluationReport> ensembleMembers) {
        this(id, name, createdAt, trainingJobId, labels, hyperParameters, vocabularySize, wordVectorsCovered,
                parameters, evaluation, dataset, history, bestEpoch, trainingSeconds, checksums, evaluations,
                minConfidence, candidates, ensembleMembers, null);
    }

    /**
     * Which data a version was trained on.
     *
     * @param validationSource {@code split} or {@code file} (null in versions from before it was recorded)
     * @param validationDuplicatesRemoved validation examples left out as copies of training examples (null in
     *                                    versions from before they were removed)
     */
    public record DatasetFingerprint(String sha256, int rows, int trainExamples, int validationExamples,
                                     Map<String, Integer> examplesPerLabel, String validationSource,
                                     Integer validationDuplicatesRemoved) {
    }

    ModelMetadata withId(String newId, Map<String, String> newChecksums) {
        return new ModelMetadata(newId, name, createdAt, trainingJobId, labels, hyperParameters, vocabularySize,
                wordVectorsCovered, parameters, evaluation, dataset, history, bestEpoch, trainingSeconds, newChecksums,
                evaluations, minConfidence, candidates, ensembleMembers, distillation, calibration);
    }

    /** The same metadata with another checksum recorded for one file (a further file replaced or added). */
    ModelMetadata withFile(String file, String sha256) {
        Map<String, String> all = new java.util.TreeMap<>(checksums == null ? Map.of() : checksums);
        all.put(file, sha256);
        return withId(id, all);
    }

    /** The same metadata with the figures on one more labelled file. */
    ModelMetadata withEvaluation(String file, EvaluationReport report) {
        Map<String, EvaluationReport> all = new java.util.TreeMap<>(evaluations == null ? Map.of() : evaluations);
        all.put(file, report);
        return new ModelMetadata(id, name, createdAt, trainingJobId, labels, hyperParameters, vocabularySize,
                wordVectorsCovered, parameters, evaluation, dataset, history, bestEpoch, trainingSeconds, checksums, all,
                minConfidence, candidates, ensembleMembers, distillation, calibration);
    }

    /** The same metadata with another default abstention threshold (null for none). */
    ModelMetadata withMinConfidence(Double threshold) {
        return new ModelMetadata(id, name, createdAt, trainingJobId, labels, hyperParameters, vocabularySize,
                wordVectorsCovered, parameters, evaluation, dataset, history, bestEpoch, trainingSeconds, checksums,
                evaluations, threshold, candidates, ensembleMembers, distillation, calibration);
    }

    /** The same metadata with another calibration (null for none). */
    public ModelMetadata withCalibration(Calibration newCalibration) {
        return new ModelMetadata(id, name, createdAt, trainingJobId, labels, hyperParameters, vocabularySize,
                wordVectorsCovered, parameters, evaluation, dataset, history, bestEpoch, trainingSeconds, checksums,
                evaluations, minConfidence, candidates, ensembleMembers, distillation, newCalibration);
    }
}
