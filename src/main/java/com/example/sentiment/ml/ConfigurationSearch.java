package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Trains several candidate configurations on the same split and keeps one: the best by validation macro-F1,
 * except that an earlier (simpler) candidate is preferred unless a later one beats it by more than
 * {@value #PREFERENCE_IN_STANDARD_ERRORS} standard errors of the difference, because on a small validation
 * split a smaller difference is noise, and the simpler model is cheaper to serve. Both candidates are scored
 * on the same rows, so the error is that of the paired difference ({@link PairedComparison}): it counts the
 * spread of both figures less what they share, where one figure's own error counted neither.
 *
 * <p>Candidates share a time budget: each gets an equal part of what the ones before it left, and a
 * candidate is skipped when nothing is left. The first candidate always trains, within the whole budget if
 * it must, so that a job always produces a model.
 *
 * <p>The candidates read the texts the same way (word ids, or the states of one encoder, which are computed
 * once for all of them before the first one trains, and count against the budget).
 */
public final class ConfigurationSearch {

    static final double PREFERENCE_IN_STANDARD_ERRORS = 1.5;
    /** A macro-F1 difference smaller than this is reported as a tie (it does not show at four decimals). */
    static final double TIE = 5e-5;

    /** One configuration to try, with the name the job and the version's metadata show. */
    public record Candidate(String name, HyperParameters hyperParameters) {
    }

    /**
     * What one candidate did.
     *
     * @param note why it was skipped or not chosen, or null when chosen
     */
    public record CandidateReport(String name, HyperParameters hyperParameters, Double validationAccuracy,
                                  Double validationMacroF1, Double validationMacroF1StandardError, Integer epochs,
                                  Double trainingSeconds, boolean chosen, String note) {
    }

    /** The chosen candidate's training and the figures of every candidate. */
    public record Outcome(TrainingResult result, List<CandidateReport> candidates) {
    }

    private final ClassifierTrainer trainer;

    public ConfigurationSearch(ClassifierTrainer trainer) {
        this.trainer = trainer;
    }

    /**
     * @param timeBudgetSeconds for all candidates together; training of a candidate stops after the epoch
     *     that would otherwise overrun its share
     */
    public Outcome train(Vocabulary vocabulary, EncodedTexts train, EncodedTexts validation, List<String> labels,
                         List<Candidate> candidates, double timeBudgetSeconds, WordVectorTable wordVectors,
                         TrainingObserver observer, BooleanSupplier cancelled) {
        long start = System.nanoTime();
        long end = start + (long) (timeBudgetSeconds * 1e9);
        HyperParameters firstSettings = candidates.get(0).hyperParameters();
        if (candidates.stream().anyMatch(c -> !java.util.Objects.equals(c.hyperParameters().encoder(),
                firstSettings.encoder()))) {
            throw new IllegalArgumentException("the candidates of one search read the texts through one encoder");
        }
        TrainingInputs inputs = trainer.inputs(firstSettings, train, validation, observer, cancelled);
        if (inputs == null) {
            return new Outcome(ClassifierTrainer.cancelled(firstSettings, vocabulary, null, start), List.of());
        }
        List<TrainingResult> results = new ArrayList<>();
        List<int[]> predictions = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            long now = System.nanoTime();
            if (i > 0 && now >= end) {
                results.add(null);
                predictions.add(null);
                continue;
            }
            observer.onCandidate(i, candidates.size(), candidates.get(i).name());
            long share = (end - now) / (candidates.size() - i);
            long deadline = candidates.size() == 1 ? Long.MAX_VALUE : now + share;
            TrainingResult result = trainer.train(vocabulary, inputs, labels, candidates.get(i).hyperParameters(),
                    wordVectors, observer, cancelled, deadline);
            if (result.cancelled()) {
                return new Outcome(result, List.of());
            }
            results.add(result);
            predictions.add(result.classifier().predictedLabels(inputs.validationFeatures()));
        }
        long seed = candidates.get(0).hyperParameters().seed();
        int chosen = choose(results, predictions, validation.labels(), labels.size(), seed);
        int[] chosenPredictions = predictions.get(chosen);
        List<CandidateReport> reports = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            TrainingResult r = results.get(i);
            if (r == null) {
                reports.add(new CandidateReport(candidates.get(i).name(), candidates.get(i).hyperParameters(), null, null,
                        null, null, null, false, "skipped: the time budget was spent"));
                continue;
            }
            String note = i == chosen ? null : note(PairedComparison.of(validation.labels(), chosenPredictions,
                    predictions.get(i), labels.size(), seed));
            reports.add(new CandidateReport(candidates.get(i).name(), r.hyperParameters(), r.evaluation().accuracy(),
                    r.evaluation().macroF1(), r.evaluation().macroF1StandardError(), r.history().size(),
                    Math.round(r.trainingSeconds() * 10) / 10.0, i == chosen, note));
        }
        return new Outcome(results.get(chosen), List.copyOf(reports));
    }

    /**
     * The index of the kept result: a later candidate replaces the kept one only when its macro-F1 exceeds the
     * kept one's by more than {@value #PREFERENCE_IN_STANDARD_ERRORS} standard errors of the paired difference.
     *
     * @param predictions each result's predictions of the validation rows (null for a skipped candidate)
     */
    static int choose(List<TrainingResult> results, List<int[]> predictions, int[] actual, int classes, long seed) {
        int kept = 0;
        for (int i = 1; i < results.size(); i++) {
            if (results.get(i) == null) {
                continue;
            }
            PairedComparison.Difference gain = PairedComparison.of(actual, predictions.get(kept), predictions.get(i),
                    classes, seed);
            if (gain.inStandardErrors() > PREFERENCE_IN_STANDARD_ERRORS) {
                kept = i;
            }
        }
        return kept;
    }

    /**
     * Why a candidate was not kept, from its macro-F1 difference to the kept one. A tie is a tie: equal figures
     * computed from different confusion matrices can differ in the last bits, so anything below what four
     * decimals show counts as equal.
     */
    static String note(PairedComparison.Difference gain) {
        if (Math.abs(gain.difference()) < TIE) {
            return "the same validation macro-F1 as the kept candidate";
        }
        if (gain.difference() < 0) {
            return "lower validation macro-F1";
        }
        return String.format(Locale.ROOT, "better by %.3f macro-F1, %.1f standard errors of the paired"
                + " difference (not more than %.1f): the one kept before it stays", gain.difference(),
                gain.inStandardErrors(), PREFERENCE_IN_STANDARD_ERRORS);
    }
}
