package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.example.sentiment.TestCorpus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The search on a small file compares candidates by stratified k-fold cross-validation: the folds, which rows
 * each training saw, which rows the comparison scored, the threshold, the time budget and cancellation. A
 * recording trainer stands in for the network where what matters is which rows a model saw; the last tests
 * train real networks.
 */
class CrossValidatedSearchTest {

    private static final List<String> LABELS = List.of("negative", "positive");
    private static final int FOLDS = 5;

    /** 100 training rows (60 negative, 40 positive) and 20 validation rows, each its own array. */
    private static final EncodedTexts TRAIN = rows(100, 60);
    private static final EncodedTexts VALIDATION = rows(20, 10);

    private static EncodedTexts rows(int count, int negatives) {
        int[][] sequences = new int[count][];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            sequences[i] = new int[] {2 + i};
            labels[i] = i < negatives ? 0 : 1;
        }
        return new EncodedTexts(sequences, labels);
    }

    private static HyperParameters settings(int units) {
        return new HyperParameters(2, 16, 0.01, 16, units, false, 0, 0, 50, 1, 1000, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null);
    }

    /** Candidate {@code name-i} has {@code i + 1} LSTM units, by which the recording trainer tells them apart. */
    private static List<ConfigurationSearch.Candidate> candidates(String... names) {
        List<ConfigurationSearch.Candidate> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            out.add(new ConfigurationSearch.Candidate(names[i], settings(i + 1)));
        }
        return out;
    }

    @Test
    void foldsAreStratifiedDisjointAndCoverEveryRow() {
        // three labels of 47, 31 and 3 rows: the last one has fewer rows than folds
        int[] labels = new int[81];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 47 ? 0 : i < 78 ? 1 : 2;
        }
        StratifiedFolds folds = StratifiedFolds.of(labels, 3, FOLDS, 42);
        boolean[] seen = new boolean[labels.length];
        List<Integer> sizes = new ArrayList<>();
        for (int f = 0; f < FOLDS; f++) {
            int[] held = folds.heldOut(f);
            int[] trainedOn = folds.trainedOn(f);
            assertThat(held.length + trainedOn.length).isEqualTo(labels.length);
            assertThat(Arrays.stream(trainedOn).boxed().toList()).doesNotContainAnyElementsOf(
                    Arrays.stream(held).boxed().toList());
            for (int row : held) {
                assertThat(seen[row]).as("row %d in two folds", row).isFalse();
                seen[row] = true;
            }
            sizes.add(held.length);
            for (int label = 0; label < 3; label++) {
                int l = label;
                long inFold = Arrays.stream(held).filter(r -> labels[r] == l).count();
                long all = Arrays.stream(labels).filter(x -> x == l).count();
                // each label's rows spread as evenly as they can be: its share of every fold, give or take one
                assertThat(inFold).as("label %d in fold %d", label, f).isBetween(all / FOLDS, all / FOLDS + 1);
            }
        }
        assertThat(seen).containsOnly(true);
        assertThat(Collections.max(sizes) - Collections.min(sizes)).isLessThanOrEqualTo(1);
        // a fold's rows keep their sequences, labels and soft targets
        float[][] targets = new float[labels.length][];
        int[][] sequences = new int[labels.length][];
        for (int i = 0; i < labels.length; i++) {
            targets[i] = new float[] {i};
            sequences[i] = new int[] {i};
        }
        EncodedTexts fold = StratifiedFolds.select(new EncodedTexts(sequences, labels, targets), folds.heldOut(2));
        for (int i = 0; i < fold.size(); i++) {
            int row = folds.heldOut(2)[i];
            assertThat(fold.sequences()[i]).isSameAs(sequences[row]);
            assertThat(fold.labels()[i]).isEqualTo(labels[row]);
            assertThat(fold.targets()[i]).isSameAs(targets[row]);
        }
        // the seed decides the folds
        assertThat(StratifiedFolds.of(labels, 3, FOLDS, 42).foldOf()).isEqualTo(folds.foldOf());
        assertThat(StratifiedFolds.of(labels, 3, FOLDS, 43).foldOf()).isNotEqualTo(folds.foldOf());
    }

    @Test
    void everyOutOfFoldPredictionIsMadeByAModelThatDidNotTrainOnItsRow() {
        // a model that predicts the rows it trained on right and every other row wrong
        RecordingTrainer trainer = new RecordingTrainer((units, validationRow) -> false);
        List<String> events = new ArrayList<>();
        ConfigurationSearch.Outcome outcome = trainer.search(100, 600, candidates("simple", "other"),
                observer(events), () -> false);

        // each candidate on every training row, then five folds of each
        assertThat(trainer.trainings).hasSize(2 + 2 * FOLDS);
        assertThat(trainer.trainings.get(0).trainedOn()).hasSize(TRAIN.size());
        assertThat(trainer.trainings.get(1).trainedOn()).hasSize(TRAIN.size());
        Set<int[]> heldOutSoFar = identitySet();
        for (int t = 2; t < trainer.trainings.size(); t++) {
            Training fold = trainer.trainings.get(t);
            assertThat(fold.units()).isEqualTo(t < 2 + FOLDS ? 1 : 2);
            assertThat(fold.validation()).as("every training stops on the job's validation split").isSameAs(VALIDATION);
            Set<int[]> heldOut = identitySet();
            for (int[] row : TRAIN.sequences()) {
                if (!fold.trainedOn().contains(row)) {
                    heldOut.add(row);
                }
            }
            assertThat(heldOut).hasSizeBetween(TRAIN.size() / FOLDS, TRAIN.size() / FOLDS + 1);
            if ((t - 2) % FOLDS == 0) {
                heldOutSoFar.clear();
            }
            assertThat(heldOut.stream().noneMatch(heldOutSoFar::contains))
                    .as("the held-out folds of one candidate are disjoint").isTrue();
            heldOutSoFar.addAll(heldOut);
            if ((t - 2) % FOLDS == FOLDS - 1) {
                assertThat(heldOutSoFar).as("a candidate's folds hold out every row once").hasSize(TRAIN.size());
            }
        }
        // all wrong means each row was predicted by a model that had not seen it, and every row was predicted
        for (ConfigurationSearch.CandidateReport report : outcome.candidates()) {
            assertThat(report.outOfFoldAccuracy()).as(report.toString()).isZero();
            assertThat(report.folds()).isEqualTo(FOLDS);
            assertThat(report.comparedRows()).isEqualTo(TRAIN.size());
            assertThat(report.comparison()).isEqualTo("5-fold cross-validation over the 100 training rows");
        }
        // a tie keeps the first candidate, whose training on every row is the result
        assertThat(outcome.candidates().get(0).chosen()).isTrue();
        assertThat(outcome.candidates().get(1).note()).isEqualTo("the same out-of-fold macro-F1 as the kept candidate");
        assertThat(outcome.result()).isSameAs(trainer.trainings.get(0).result());
        assertThat(outcome.candidates()).allSatisfy(c -> assertThat(c.validationAccuracy()).isZero());
        assertThat(events).containsExactly("plan 12", "candidate 0", "train", "candidate 1", "train",
                "candidate 0", "fold 1/5", "train", "fold 2/5", "train", "fold 3/5", "train", "fold 4/5", "train",
                "fold 5/5", "train",
                "candidate 1", "fold 1/5", "train", "fold 2/5", "train", "fold 3/5", "train", "fold 4/5", "train",
                "fold 5/5", "train");
    }

    @Test
    void belowTheRowLimitTheOutOfFoldPredictionsChooseAndAboveItTheValidationSplit() {
        // "simple" is right on the validation rows and wrong on unseen training rows, "other" the reverse: the
        // validation split prefers the first, the out-of-fold predictions the second
        RecordingTrainer cv = new RecordingTrainer((units, validationRow) -> units == 1 == validationRow);
        List<String> events = new ArrayList<>();
        ConfigurationSearch.Outcome crossValidated = cv.search(100, 600, candidates("simple", "other"),
                observer(events), () -> false);
        assertThat(crossValidated.candidates()).extracting(ConfigurationSearch.CandidateReport::chosen)
                .containsExactly(false, true);
        assertThat(crossValidated.candidates().get(1).outOfFoldAccuracy()).isEqualTo(1.0);
        assertThat(crossValidated.candidates().get(0).note()).isEqualTo("lower out-of-fold macro-F1");
        // the kept candidate's training on every training row is the result
        assertThat(cv.trainings).hasSize(2 + 2 * FOLDS);
        assertThat(crossValidated.result()).isSameAs(cv.trainings.get(1).result());
        assertThat(cv.trainings.get(1).trainedOn()).hasSize(TRAIN.size());
        assertThat(crossValidated.candidates()).extracting(ConfigurationSearch.CandidateReport::validationAccuracy)
                .containsExactly(1.0, 0.0);

        RecordingTrainer split = new RecordingTrainer((units, validationRow) -> units == 1 == validationRow);
        ConfigurationSearch.Outcome validated = split.search(99, 600, candidates("simple", "other"),
                TrainingObserver.NONE, () -> false);
        assertThat(split.trainings).hasSize(2);
        assertThat(validated.candidates()).extracting(ConfigurationSearch.CandidateReport::chosen)
                .containsExactly(true, false);
        assertThat(validated.candidates().get(1).note()).isEqualTo("lower validation macro-F1");
        assertThat(validated.candidates()).allSatisfy(c -> {
            assertThat(c.folds()).isNull();
            assertThat(c.outOfFoldMacroF1()).isNull();
            assertThat(c.comparedRows()).isEqualTo(VALIDATION.size());
            assertThat(c.comparison()).isEqualTo("the validation split (20 rows); 100 training rows are more than"
                    + " the 99 up to which candidates are cross-validated");
        });
    }

    @Test
    void aStudentsSoftTargetsAreComparedOnTheValidationSplit() {
        // a distilled student's rows: a teacher's probabilities (and, in a real job, augmented copies of each text)
        float[][] targets = new float[TRAIN.size()][];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = TRAIN.labels()[i] == 0 ? new float[] {0.8f, 0.2f} : new float[] {0.3f, 0.7f};
        }
        RecordingTrainer trainer = new RecordingTrainer((units, validationRow) -> units == 2);
        ConfigurationSearch.Outcome outcome = trainer.search(new EncodedTexts(TRAIN.sequences(), TRAIN.labels(),
                targets), 1000, 600, candidates("simple", "other"), TrainingObserver.NONE, () -> false);
        assertThat(trainer.trainings).hasSize(2);
        assertThat(outcome.candidates().get(0).comparison()).isEqualTo("the validation split (20 rows); a teacher's"
                + " soft targets over augmented copies are not cross-validated (a text's copies would be in the folds"
                + " that predict it)");
    }

    @Test
    void aBudgetThatCannotFitTheFoldsFallsBackToTheValidationSplitAndSaysSo() {
        // 10 s on every training row: after both candidates' trainings (20 s) their folds are expected to need
        // 5 x 20 = 100 s more (each trains on four fifths of the rows, but validates and predicts too)
        RecordingTrainer tight = new RecordingTrainer((units, validationRow) -> units == 2, 10);
        List<String> events = new ArrayList<>();
        ConfigurationSearch.Outcome outcome = tight.search(100, 119, candidates("simple", "other"), observer(events),
                () -> false);
        assertThat(tight.trainings).hasSize(2);
        assertThat(events).containsExactly("plan 12", "candidate 0", "train", "candidate 1", "train");
        assertThat(outcome.candidates()).extracting(ConfigurationSearch.CandidateReport::chosen).containsExactly(false, true);
        assertThat(outcome.candidates().get(0).comparison()).isEqualTo("the validation split (20 rows); 5-fold"
                + " cross-validation was not run: at the pace of the candidates' trainings it needs about 100 s more,"
                + " and 99 s of the time budget were left");
        assertThat(outcome.candidates()).allSatisfy(c -> assertThat(c.folds()).isNull());

        RecordingTrainer enough = new RecordingTrainer((units, validationRow) -> units == 2, 10);
        enough.search(100, 120, candidates("simple", "other"), TrainingObserver.NONE, () -> false);
        assertThat(enough.trainings).as("100 s more fit in 100 s").hasSize(2 + 2 * FOLDS);
        // each fold gets a part of what is left in proportion to its candidate's time (here equal parts): the
        // first a tenth of 100 s, the last all that is left
        List<Long> deadlines = enough.trainings.subList(2, 2 + 2 * FOLDS).stream().map(Training::deadline).toList();
        assertThat(deadlines.get(0)).isCloseTo(30_000_000_000L, within(1000L));
        assertThat(deadlines.get(deadlines.size() - 1)).isCloseTo(120_000_000_000L, within(1000L));
        assertThat(deadlines).isSorted().allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(120_000_000_000L));
    }

    @Test
    void aCandidateWhoseFoldsTheBudgetCannotFinishIsLeftOutOfTheComparison() {
        // a training on every row takes 1 s, so the folds look affordable; then every fold takes 4 s
        RecordingTrainer slowFolds = new RecordingTrainer((units, validationRow) -> units == 2, 4) {
            @Override
            double cost(Training training) {
                return training.trainedOn().size() == TRAIN.size() ? 1 : 4;
            }
        };
        ConfigurationSearch.Outcome outcome = slowFolds.search(100, 30, candidates("simple", "other", "third"),
                TrainingObserver.NONE, () -> false);
        // folds start until 30 s: the first candidate's five from 3 s to 23 s, the second's first two at 23 and 27 s
        assertThat(slowFolds.trainings).hasSize(3 + FOLDS + 2);
        assertThat(outcome.candidates().get(0).chosen()).isTrue();
        assertThat(outcome.candidates().get(0).outOfFoldMacroF1()).isNotNull();
        assertThat(outcome.candidates().get(1).note()).isEqualTo("not compared: the time budget ran out after fold 2 of 5");
        assertThat(outcome.candidates().get(1).outOfFoldMacroF1()).isNull();
        assertThat(outcome.candidates().get(1).validationMacroF1()).as("trained on every row").isNotNull();
        assertThat(outcome.candidates().get(2).note()).isEqualTo("not compared: the time budget ran out before its folds");
        assertThat(outcome.result()).isSameAs(slowFolds.trainings.get(0).result());

        // when not even the first candidate's folds are done, the validation split decides
        RecordingTrainer slower = new RecordingTrainer((units, validationRow) -> units == 2, 4) {
            @Override
            double cost(Training training) {
                return training.trainedOn().size() == TRAIN.size() ? 1 : 4;
            }
        };
        ConfigurationSearch.Outcome validated = slower.search(100, 14, candidates("simple", "other"),
                TrainingObserver.NONE, () -> false);
        assertThat(slower.trainings).hasSize(2 + 3);
        assertThat(validated.candidates()).extracting(ConfigurationSearch.CandidateReport::chosen).containsExactly(false, true);
        assertThat(validated.candidates().get(0).comparison()).isEqualTo("the validation split (20 rows); 5-fold"
                + " cross-validation ran out of the time budget before the first candidate's folds were done");
        assertThat(validated.result()).isSameAs(slower.trainings.get(1).result());
    }

    @Test
    void aCancelDuringAFoldEndsTheSearchWithoutAnotherTraining() {
        AtomicBoolean cancelled = new AtomicBoolean();
        RecordingTrainer trainer = new RecordingTrainer((units, validationRow) -> true) {
            @Override
            TrainingResult train(Training training, BooleanSupplier stop) {
                // the second candidate's third fold is cancelled while it trains, as ClassifierTrainer reports it
                if (training.units() == 2 && trainings.size() == 2 + FOLDS + 3) {
                    cancelled.set(true);
                }
                return stop.getAsBoolean() ? cancelledResult() : super.train(training, stop);
            }
        };
        ConfigurationSearch.Outcome outcome = trainer.search(100, 600, candidates("simple", "other"),
                TrainingObserver.NONE, cancelled::get);
        assertThat(outcome.result().cancelled()).isTrue();
        assertThat(outcome.candidates()).isEmpty();
        assertThat(trainer.trainings).hasSize(2 + FOLDS + 3);
    }

    @Test
    void aRealTrainingIsCancelledWithinAFold() {
        LabelledTexts texts = ClassifierTrainerTest.texts(TestCorpus.examples(160, 44));
        Tokenizer tokenizer = new Tokenizer();
        Vocabulary vocabulary = Vocabulary.build(texts.texts().stream().map(tokenizer::tokenize).toList(), 1, 1000);
        EncodedTexts all = EncodedTexts.encode(texts, tokenizer, vocabulary, 50);
        EncodedTexts train = StratifiedFolds.select(all, IntStream.range(0, 130).toArray());
        EncodedTexts validation = StratifiedFolds.select(all, IntStream.range(130, 160).toArray());
        AtomicBoolean cancelled = new AtomicBoolean();
        List<String> events = new ArrayList<>();
        TrainingObserver cancelInFoldTwo = new TrainingObserver() {
            private boolean inFoldTwo;

            @Override
            public void onFold(int fold, int folds) {
                events.add("fold " + fold);
                inFoldTwo = fold == 2;
            }

            @Override
            public void onBatch(int epoch, int batch, int totalBatches, double loss) {
                if (inFoldTwo && batch == 2) {
                    cancelled.set(true);
                }
            }

            @Override
            public void onEpoch(EpochMetrics metrics) {
                events.add("epoch");
            }
        };
        ConfigurationSearch.Outcome outcome = new ConfigurationSearch(new ClassifierTrainer(),
                new ConfigurationSearch.CrossValidation(1000, 3)).train(vocabulary, train, validation, LABELS,
                List.of(new ConfigurationSearch.Candidate("simple", settings(8)),
                        new ConfigurationSearch.Candidate("other", settings(16))), 600, null, cancelInFoldTwo,
                cancelled::get);
        assertThat(outcome.result().cancelled()).isTrue();
        assertThat(outcome.candidates()).isEmpty();
        // two epochs for each candidate's training and for fold 1, none finished in fold 2, and no fold after it
        assertThat(events).containsExactly("epoch", "epoch", "epoch", "epoch", "fold 1", "epoch", "epoch", "fold 2");
    }

    private static TrainingObserver observer(List<String> events) {
        return new TrainingObserver() {
            @Override
            public void onBatch(int epoch, int batch, int totalBatches, double loss) {
            }

            @Override
            public void onEpoch(EpochMetrics metrics) {
                events.add("train");
            }

            @Override
            public void onSearch(int plannedTrainings) {
                events.add("plan " + plannedTrainings);
            }

            @Override
            public void onCandidate(int index, int count, String name) {
                events.add("candidate " + index);
            }

            @Override
            public void onFold(int fold, int folds) {
                events.add("fold " + fold + "/" + folds);
            }
        };
    }

    private static Set<int[]> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /** Whether a candidate's model predicts a row it did not train on right (validation rows, or a held-out fold). */
    interface UnseenRows {
        boolean right(int units, boolean validationRow);
    }

    /** What one training was given; its result, once trained. */
    record Training(int units, Set<int[]> trainedOn, EncodedTexts validation, long deadline, TrainingResult[] trained) {
        TrainingResult result() {
            return trained[0];
        }
    }

    /**
     * A stand-in for the network that memorises: its model predicts each row it trained on right, and the
     * others as {@link UnseenRows} says. It advances a clock by {@link #cost} per training (and tells the
     * observer of one epoch), and records every training.
     */
    static class RecordingTrainer implements ConfigurationSearch.Trainer {
        final List<Training> trainings = new ArrayList<>();
        private final UnseenRows unseen;
        private final long secondsPerTraining;
        private final AtomicLong clock = new AtomicLong();
        private final Map<int[], Integer> labelOf = new IdentityHashMap<>();
        private final Set<int[]> validationRows = identitySet();
        private final Map<TrainingResult, Training> models = new IdentityHashMap<>();
        private TrainingObserver observer = TrainingObserver.NONE;

        RecordingTrainer(UnseenRows unseen) {
            this(unseen, 1);
        }

        RecordingTrainer(UnseenRows unseen, long secondsPerTraining) {
            this.unseen = unseen;
            this.secondsPerTraining = secondsPerTraining;
            for (EncodedTexts data : List.of(TRAIN, VALIDATION)) {
                for (int i = 0; i < data.size(); i++) {
                    labelOf.put(data.sequences()[i], data.labels()[i]);
                }
            }
            validationRows.addAll(Arrays.asList(VALIDATION.sequences()));
        }

        /** A search of the shared rows cross-validated up to {@code maxRows} training rows, on this trainer's clock. */
        ConfigurationSearch.Outcome search(int maxRows, double budgetSeconds, List<ConfigurationSearch.Candidate> candidates,
                                           TrainingObserver observer, BooleanSupplier cancelled) {
            return search(TRAIN, maxRows, budgetSeconds, candidates, observer, cancelled);
        }

        ConfigurationSearch.Outcome search(EncodedTexts train, int maxRows, double budgetSeconds,
                                           List<ConfigurationSearch.Candidate> candidates, TrainingObserver observer,
                                           BooleanSupplier cancelled) {
            this.observer = observer;
            return new ConfigurationSearch(this, new ConfigurationSearch.CrossValidation(maxRows, FOLDS), clock::get)
                    .train(null, train, VALIDATION, LABELS, candidates, budgetSeconds, null, observer, cancelled);
        }

        /** Seconds a training takes: {@code secondsPerTraining} on every training row, less on fewer. */
        double cost(Training training) {
            return secondsPerTraining * training.trainedOn().size() / (double) TRAIN.size();
        }

        @Override
        public TrainingInputs inputs(HyperParameters hp, EncodedTexts train, EncodedTexts validation,
                                     TrainingObserver observer, BooleanSupplier cancelled) {
            return TrainingInputs.ofTokenIds(train, validation);
        }

        @Override
        public final TrainingResult train(Vocabulary vocabulary, TrainingInputs inputs, List<String> labels,
                                          HyperParameters hp, WordVectorTable wordVectors, TrainingObserver observer,
                                          BooleanSupplier cancelled, long deadlineNanos) {
            Set<int[]> trainedOn = identitySet();
            trainedOn.addAll(Arrays.asList(inputs.train().sequences()));
            assertThat(inputs.trainFeatures().size()).as("features of the same rows").isEqualTo(inputs.train().size());
            Training training = new Training(hp.lstmUnits(), trainedOn, inputs.validation(), deadlineNanos,
                    new TrainingResult[1]);
            trainings.add(training);
            TrainingResult result = train(training, cancelled);
            training.trained()[0] = result;
            return result;
        }

        TrainingResult train(Training training, BooleanSupplier cancelled) {
            clock.addAndGet(Math.round(cost(training) * 1e9));
            observer.onEpoch(new EpochMetrics(1, 0.5, 0, 0, 1, null, null, null, null));
            TrainingResult result = new TrainingResult(false, null, null, settings(training.units()), List.of(), 1,
                    10, null, cost(training), 1, 1, List.of());
            models.put(result, training);
            EvaluationReport evaluation = Evaluations.report(LABELS, VALIDATION.labels(), predict(result, VALIDATION));
            TrainingResult evaluated = new TrainingResult(false, null, evaluation, result.hyperParameters(),
                    List.of(new EpochMetrics(1, 0.5, evaluation.accuracy(), evaluation.macroF1(), 1, null, null,
                            null, null)), 1, 10, null, cost(training), 1, 1, List.of());
            models.put(evaluated, training);
            return evaluated;
        }

        static TrainingResult cancelledResult() {
            return new TrainingResult(true, null, null, null, List.of(), 0, 10, null, 0, 0, 0, List.of());
        }

        @Override
        public int[] predict(TrainingResult trained, EncodedTexts texts, SequenceFeatures features) {
            assertThat(features.size()).as("features of the same texts").isEqualTo(texts.size());
            return predict(trained, texts);
        }

        private int[] predict(TrainingResult trained, EncodedTexts texts) {
            int[][] sequences = texts.sequences();
            Training training = models.get(trained);
            int[] predicted = new int[sequences.length];
            for (int i = 0; i < sequences.length; i++) {
                int label = labelOf.get(sequences[i]);
                boolean right = training.trainedOn().contains(sequences[i])
                        || unseen.right(training.units(), validationRows.contains(sequences[i]));
                predicted[i] = right ? label : 1 - label;
            }
            return predicted;
        }
    }
}
