package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.example.sentiment.TestCorpus;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The search keeps the better of two candidates, prefers the simpler one on a small gap, and keeps to its budget. */
class ConfigurationSearchTest {

    private static final List<String> LABELS = ClassifierTrainerTest.LABELS;

    private static HyperParameters settings(int epochs, double learningRate, int units) {
        return new HyperParameters(epochs, 16, learningRate, 16, units, false, 0, 0, 50, 1, 1000, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null);
    }

    private static ConfigurationSearch.Outcome search(List<ConfigurationSearch.Candidate> candidates, double budget) {
        LabelledTexts train = ClassifierTrainerTest.texts(TestCorpus.examples(200, 41));
        LabelledTexts validation = ClassifierTrainerTest.texts(TestCorpus.examples(60, 42));
        Tokenizer tokenizer = new Tokenizer();
        List<List<String>> tokens = train.texts().stream().map(tokenizer::tokenize).toList();
        Vocabulary vocabulary = Vocabulary.build(tokens, 1, 1000);
        int[][] ids = tokens.stream().map(t -> vocabulary.encode(t, 50)).toArray(int[][]::new);
        return new ConfigurationSearch(new ClassifierTrainer()).train(vocabulary, new EncodedTexts(ids, train.labels()),
                EncodedTexts.encode(validation, tokenizer, vocabulary, 50), LABELS, candidates, budget, null,
                TrainingObserver.NONE, () -> false);
    }

    @Test
    void picksTheClearlyBetterCandidateAndReportsBoth() {
        // one epoch at a learning rate too small to learn anything, against a configuration that learns the corpus
        ConfigurationSearch.Outcome outcome = search(List.of(
                new ConfigurationSearch.Candidate("hopeless", settings(1, 1e-6, 2)),
                new ConfigurationSearch.Candidate("good", settings(5, 0.01, 16))), 600);
        assertThat(outcome.candidates()).extracting(ConfigurationSearch.CandidateReport::name).containsExactly("hopeless", "good");
        assertThat(outcome.candidates()).extracting(ConfigurationSearch.CandidateReport::chosen).containsExactly(false, true);
        assertThat(outcome.result().evaluation().macroF1()).isEqualTo(outcome.candidates().get(1).validationMacroF1());
        assertThat(outcome.result().evaluation().accuracy()).isGreaterThan(0.9);
        assertThat(outcome.candidates().get(0).note()).isEqualTo("lower validation macro-F1");
        assertThat(outcome.result().hyperParameters().lstmUnits()).isEqualTo(16);
    }

    @Test
    void keepsTheSimplerCandidateUnlessTheOtherWinsByMoreThanOneAndAHalfStandardErrorsOfThePairedDifference() {
        // 200 rows, the simpler candidate right on 160; the other fixes some of its mistakes and makes new ones
        int[] actual = balancedLabels(200);
        int[] simpler = predictions(actual, 0, 0);
        // fixes 3 and breaks 1: a gain of about 0.01, one standard error of the paired difference
        int[] slightlyBetter = predictions(actual, 3, 1);
        assertThat(ConfigurationSearch.choose(List.of(simpler, slightlyBetter), actual, 2, 7)).isEqualTo(0);
        // fixes 7 and breaks none: a gain of 0.035, under 1.5 of either figure's own standard error (0.028) but
        // about 2.6 standard errors of the difference, because the two are right and wrong on the same rows
        int[] clearlyBetter = predictions(actual, 7, 0);
        assertThat(ConfigurationSearch.choose(List.of(simpler, clearlyBetter), actual, 2, 7)).isEqualTo(1);
        assertThat(ConfigurationSearch.choose(List.of(clearlyBetter, simpler), actual, 2, 7)).isEqualTo(0);
        // a skipped candidate never wins
        assertThat(ConfigurationSearch.choose(Arrays.asList(simpler, null), actual, 2, 7)).isEqualTo(0);
        // nor does one that was never compared stop a later one from being kept
        assertThat(ConfigurationSearch.choose(Arrays.asList(null, simpler, clearlyBetter), actual, 2, 7)).isEqualTo(2);
    }

    @Test
    void aCandidateRightOnManyMoreRowsReplacesTheKeptOneWhenASmallLabelMakesItsMacroF1GainNoisy() {
        // 490 rows as TREC's validation split: two large labels of 240 rows and a small one of 10. The kept
        // candidate is wrong on 40 rows of the large labels and right on 5 of the small one's; the later one
        // fixes 14 of those 40, breaks 2 others, and is right on the small label's other 5 rows instead
        int[] actual = new int[490];
        for (int i = 0; i < 480; i++) {
            actual[i] = i % 2;
        }
        Arrays.fill(actual, 480, 490, 2);
        int[] kept = actual.clone();
        for (int i = 0; i < 40; i++) {
            kept[i] = 1 - actual[i];
        }
        int[] later = kept.clone();
        for (int i = 0; i < 14; i++) {
            later[i] = actual[i];
        }
        later[100] = 1 - actual[100];
        later[101] = 1 - actual[101];
        for (int i = 480; i < 490; i++) {
            boolean keptRight = i < 485;
            kept[i] = keptRight ? 2 : 0;
            later[i] = keptRight ? 0 : 2;
        }
        PairedComparison.Difference macroF1 = PairedComparison.of(actual, kept, later, 3, 7);
        PairedComparison.Difference accuracy = PairedComparison.accuracy(actual, kept, later);
        // the premise: a higher macro-F1 whose gain the small label's swaps leave well under 1.5 standard errors,
        // and 12 more rows right, over 1.5 standard errors of the paired accuracy difference
        assertThat(macroF1.difference()).isPositive();
        assertThat(macroF1.inStandardErrors()).isLessThan(ConfigurationSearch.PREFERENCE_IN_STANDARD_ERRORS);
        assertThat(accuracy.difference()).isCloseTo(12 / 490.0, within(1e-12));
        assertThat(accuracy.inStandardErrors()).isGreaterThan(ConfigurationSearch.PREFERENCE_IN_STANDARD_ERRORS);
        assertThat(ConfigurationSearch.choose(List.of(kept, later), actual, 3, 7)).isEqualTo(1);
        // the other way round the first stays: a lower candidate never replaces the kept one
        assertThat(ConfigurationSearch.choose(List.of(later, kept), actual, 3, 7)).isEqualTo(0);
        // and more rows right does not win with a lower macro-F1: here the later one gets the small label wrong
        int[] givesUpTheSmallLabel = later.clone();
        Arrays.fill(givesUpTheSmallLabel, 480, 490, 0);
        for (int i = 14; i < 24; i++) {
            givesUpTheSmallLabel[i] = actual[i];
        }
        assertThat(PairedComparison.accuracy(actual, kept, givesUpTheSmallLabel).inStandardErrors())
                .isGreaterThan(ConfigurationSearch.PREFERENCE_IN_STANDARD_ERRORS);
        assertThat(PairedComparison.of(actual, kept, givesUpTheSmallLabel, 3, 7).difference()).isNegative();
        assertThat(ConfigurationSearch.choose(List.of(kept, givesUpTheSmallLabel), actual, 3, 7)).isEqualTo(0);
    }

    @Test
    void aCandidateTiedWithTheKeptOneIsDescribedAsTiedAndALowerOneAsLower() {
        PairedComparison.Difference accuracy = new PairedComparison.Difference(0.01, 0.01);
        // the case: 0.5500 against 0.5500
        String tie = ConfigurationSearch.note(new PairedComparison.Difference(0.0, 0.03), accuracy, "validation");
        assertThat(tie).contains("same validation macro-F1").doesNotContain("lower");
        // the same figure computed from another confusion matrix may differ in the last bits
        assertThat(ConfigurationSearch.note(new PairedComparison.Difference(-1e-15, 0.03), accuracy, "validation"))
                .isEqualTo(tie);
        assertThat(ConfigurationSearch.note(new PairedComparison.Difference(-0.02, 0.03), accuracy, "validation"))
                .isEqualTo("lower validation macro-F1");
        assertThat(ConfigurationSearch.note(new PairedComparison.Difference(0.02, 0.03), accuracy, "validation"))
                .startsWith("better by 0.020 macro-F1 and 0.010 accuracy, 0.7 and 1.0 standard errors");
    }

    /** Labels 0 and 1 alternating. */
    static int[] balancedLabels(int n) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
        }
        return labels;
    }

    /**
     * Predictions of {@code actual} wrong on its first 40 rows, except the first {@code fixed} of them, and also
     * wrong on the {@code broken} rows after those 40.
     */
    static int[] predictions(int[] actual, int fixed, int broken) {
        int[] predicted = actual.clone();
        for (int i = fixed; i < 40 + broken; i++) {
            predicted[i] = 1 - actual[i];
        }
        return predicted;
    }

    @Test
    void aSpentBudgetSkipsTheLaterCandidatesButTheFirstAlwaysTrains() {
        ConfigurationSearch.Outcome outcome = search(List.of(
                new ConfigurationSearch.Candidate("first", settings(5, 0.01, 8)),
                new ConfigurationSearch.Candidate("second", settings(5, 0.01, 16))), 1e-3);
        assertThat(outcome.result().classifier()).isNotNull();
        assertThat(outcome.result().history()).as("the deadline stops it after its first epoch").hasSize(1);
        assertThat(outcome.candidates().get(0).chosen()).isTrue();
        assertThat(outcome.candidates().get(1).note()).contains("time budget");
        assertThat(outcome.candidates().get(1).validationMacroF1()).isNull();
    }
}
