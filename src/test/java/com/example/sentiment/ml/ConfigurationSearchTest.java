package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.TestCorpus;
import java.util.ArrayList;
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
    void keepsTheSimplerCandidateUnlessTheOtherWinsByMoreThanOneAndAHalfStandardErrors() {
        // macro-F1 0.80 on 100 examples has a standard error of 0.04: 0.85 is within 1.5 of them, 0.87 is not
        assertThat(ConfigurationSearch.choose(results(0.80, 0.85))).isEqualTo(0);
        assertThat(ConfigurationSearch.choose(results(0.80, 0.87))).isEqualTo(1);
        assertThat(ConfigurationSearch.choose(results(0.80, 0.79))).isEqualTo(0);
        // a skipped candidate never wins
        List<TrainingResult> skipped = new ArrayList<>(results(0.80));
        skipped.add(null);
        assertThat(ConfigurationSearch.choose(skipped)).isEqualTo(0);
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

    private static List<TrainingResult> results(double... macroF1) {
        return Arrays.stream(macroF1).mapToObj(f -> new TrainingResult(false, null,
                new EvaluationReport(100, f, f, LABELS, List.of(), new int[0][0], EvaluationReport.standardError(f, 100),
                        EvaluationReport.standardError(f, 100)), null, List.of(), 1, 10, null, 1, 1, 1, List.of()))
                .toList();
    }
}
