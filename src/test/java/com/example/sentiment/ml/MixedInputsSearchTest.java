package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.TestCorpus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A search whose candidates read the same rows two ways, word ids and an encoder's pieces: each candidate trains
 * on its own view, the encoder's states are computed once, right before the first candidate that reads them (and
 * reused by its folds), and their time counts against the budget. A scripted trainer stands in for the network
 * where time and rows matter; the last test trains real networks on {@link HashedPieceEncoder}'s states.
 */
class MixedInputsSearchTest {

    private static final List<String> LABELS = List.of("negative", "positive");
    private static final String ENCODER = "hashed";
    private static final int FOLDS = 5;

    /** 100 training rows (60 negative) and 20 validation rows; row i is {2 + i} as word ids. */
    private static final EncodedTexts WORDS_TRAIN = rows(100, 60, false);
    private static final EncodedTexts WORDS_VALIDATION = rows(20, 10, false);
    /** The same rows as pieces: {101, 1000 + i, 102}. */
    private static final EncodedTexts PIECES_TRAIN = rows(100, 60, true);
    private static final EncodedTexts PIECES_VALIDATION = rows(20, 10, true);
    private static final Vocabulary WORDS = Vocabulary.build(List.of(List.of("a", "b")), 1, 100);
    private static final Vocabulary PIECES = Vocabulary.reservedOnly();

    private static EncodedTexts rows(int count, int negatives, boolean pieces) {
        int[][] sequences = new int[count][];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            sequences[i] = pieces ? new int[] {101, 1000 + i, 102} : new int[] {2 + i};
            labels[i] = i < negatives ? 0 : 1;
        }
        return new EncodedTexts(sequences, labels);
    }

    private static List<ConfigurationSearch.View> views() {
        return List.of(new ConfigurationSearch.View(null, WORDS, WORDS_TRAIN, WORDS_VALIDATION),
                new ConfigurationSearch.View(ENCODER, PIECES, PIECES_TRAIN, PIECES_VALIDATION));
    }

    private static HyperParameters settings(int units, String encoder) {
        return settings(2, units, encoder);
    }

    private static HyperParameters settings(int epochs, int units, String encoder) {
        return new HyperParameters(epochs, 16, 0.01, 16, units, false, 0, 0, 50, 1, 1000, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null, 0, 0, 0, 1,
                HyperParameters.ClassWeights.NONE, encoder);
    }

    /** Two word-id candidates, then the encoder's, as {@code "preset": "auto"} orders them. */
    private static List<ConfigurationSearch.Candidate> candidates() {
        return List.of(new ConfigurationSearch.Candidate("lstm", settings(1, null)),
                new ConfigurationSearch.Candidate("bilstm", settings(2, null)),
                new ConfigurationSearch.Candidate("encoder-bilstm-hashed", settings(3, ENCODER)));
    }

    @Test
    void eachCandidateTrainsOnItsViewOfTheSameRowsAndTheEncodersStatesAreComputedOnceWithTheFoldsToo() {
        ScriptedTrainer trainer = new ScriptedTrainer(1, 5, 5);
        ConfigurationSearch.Outcome outcome = trainer.search(1000, 600);

        // the word ids are made before the first candidate, the states only before the encoder's, once each
        assertThat(trainer.events.subList(0, 6)).containsExactly("inputs word-ids", "train word-ids",
                "train word-ids", "inputs hashed", "train hashed", "train word-ids");
        assertThat(trainer.events).filteredOn(e -> e.startsWith("inputs"))
                .containsExactly("inputs word-ids", "inputs hashed");
        assertThat(trainer.trainings).hasSize(3 + 3 * FOLDS);
        Set<int[]> pieces = identitySet(PIECES_TRAIN.sequences());
        Set<int[]> words = identitySet(WORDS_TRAIN.sequences());
        for (Training t : trainer.trainings) {
            // every training of a candidate reads its own view's rows and vocabulary, folds included
            Set<int[]> own = t.encoder() == null ? words : pieces;
            assertThat(Arrays.stream(t.inputs().train().sequences()).allMatch(own::contains))
                    .as("rows of its own view").isTrue();
            assertThat(t.vocabulary()).isSameAs(t.encoder() == null ? WORDS : PIECES);
            assertThat(t.inputs().validation()).isSameAs(t.encoder() == null ? WORDS_VALIDATION : PIECES_VALIDATION);
            assertThat(t.inputs().encoder() == null).isEqualTo(t.encoder() == null);
        }
        // the encoder's folds read the states made for its training on all rows
        TrainingInputs states = trainer.trainings.get(2).inputs();
        assertThat(trainer.trainings).filteredOn(t -> ENCODER.equals(t.encoder()))
                .hasSize(1 + FOLDS).allSatisfy(t -> assertThat(t.inputs().validationFeatures())
                        .isSameAs(states.validationFeatures()));

        // compared row by row on every training row: the encoder's candidate is right on all of them
        assertThat(outcome.candidates()).extracting(ConfigurationSearch.CandidateReport::name)
                .containsExactly("lstm", "bilstm", "encoder-bilstm-hashed");
        assertThat(outcome.candidates()).allSatisfy(c -> assertThat(c.outOfFoldMacroF1()).isNotNull());
        assertThat(outcome.candidates()).extracting(ConfigurationSearch.CandidateReport::chosen)
                .containsExactly(false, false, true);
        assertThat(outcome.candidates().get(2).outOfFoldAccuracy()).isEqualTo(1.0);
        assertThat(outcome.result()).isSameAs(trainer.trainings.get(2).result());
        assertThat(outcome.result().hyperParameters().encoder()).isEqualTo(ENCODER);
    }

    @Test
    void twoEncodersEachReadTheirOwnViewAndEachOnesStatesAreComputedOnceBeforeItsCandidate() {
        // a second encoder's pieces of the same rows, in arrays of their own
        EncodedTexts otherTrain = rows(100, 60, true);
        EncodedTexts otherValidation = rows(20, 10, true);
        List<ConfigurationSearch.View> views = new ArrayList<>(views());
        views.add(new ConfigurationSearch.View("other", PIECES, otherTrain, otherValidation));
        List<ConfigurationSearch.Candidate> candidates = new ArrayList<>(candidates());
        candidates.add(new ConfigurationSearch.Candidate("encoder-bilstm-other", settings(4, "other")));
        ScriptedTrainer trainer = new ScriptedTrainer(1, 5, 5);
        ConfigurationSearch.Outcome outcome = trainer.search(views, candidates, 1000, 600);

        assertThat(trainer.events.subList(0, 7)).containsExactly("inputs word-ids", "train word-ids",
                "train word-ids", "inputs hashed", "train hashed", "inputs other", "train other");
        assertThat(trainer.events).filteredOn(e -> e.startsWith("inputs"))
                .containsExactly("inputs word-ids", "inputs hashed", "inputs other");
        assertThat(trainer.trainings).hasSize(4 + 4 * FOLDS);
        Set<int[]> hashed = identitySet(PIECES_TRAIN.sequences());
        Set<int[]> other = identitySet(otherTrain.sequences());
        for (Training t : trainer.trainings) {
            if (t.encoder() != null) {
                Set<int[]> own = ENCODER.equals(t.encoder()) ? hashed : other;
                assertThat(Arrays.stream(t.inputs().train().sequences()).allMatch(own::contains))
                        .as("rows of its own encoder's view").isTrue();
                assertThat(t.inputs().validation())
                        .isSameAs(ENCODER.equals(t.encoder()) ? PIECES_VALIDATION : otherValidation);
            }
        }
        assertThat(outcome.candidates()).extracting(ConfigurationSearch.CandidateReport::name)
                .containsExactly("lstm", "bilstm", "encoder-bilstm-hashed", "encoder-bilstm-other");
        assertThat(outcome.candidates()).allSatisfy(c -> assertThat(c.outOfFoldMacroF1()).isNotNull());
        assertThat(outcome.candidates().get(3).hyperParameters().encoder()).isEqualTo("other");

        // 10 s a training, 30 s for each encoder's states: only the first 30 s fit in half the budget and are kept
        // aside; the encoder candidates get two shares each, so lstm may train until (100 - 30) / 6 s and bilstm
        // from 10 s until 10 + (90 - 30) / 5 s; the first encoder's candidate gets 2/4 of the 80 s left at 20 s,
        // its states end at 50 s and it trains until 50 + 50 * 2/4 s; the second encoder's states are computed at
        // its turn, as they fit its part (all 40 s left)
        ScriptedTrainer timed = new ScriptedTrainer(10, 30, 30);
        timed.search(views, candidates, 0, 100);
        assertThat(timed.trainings).extracting(Training::deadline)
                .containsExactly(11_666_666_666L, 22_000_000_000L, 75_000_000_000L, 100_000_000_000L);
    }

    @Test
    void theEncodersTimeCountsAgainstTheBudgetAndInTheCandidatesTime() {
        // 10 s a training, 30 s for the states, kept aside from the parts of the candidates before it; the
        // encoder's candidate gets two shares, so lstm may train until (100 - 30) / 4 s and bilstm from 10 s until
        // 10 + (90 - 30) / 3 s; the states end at 50 s, then the encoder's candidate trains until at most the end
        // of the budget
        ScriptedTrainer trainer = new ScriptedTrainer(10, 30, 30);
        ConfigurationSearch.Outcome outcome = trainer.search(0, 100);
        assertThat(trainer.trainings).extracting(Training::deadline)
                .containsExactly(17_500_000_000L, 30_000_000_000L, 100_000_000_000L);
        assertThat(trainer.trainings.get(2).startedAt()).isEqualTo(50_000_000_000L);
        assertThat(outcome.candidates()).extracting(ConfigurationSearch.CandidateReport::trainingSeconds)
                .containsExactly(10.0, 10.0, 40.0);

        // with cross-validation: 5 s a training and 50 s for the states leave 55 s at 65 s, less than the folds'
        // 5 x 15 s; had the states been free, 105 s would have been left
        ScriptedTrainer cv = new ScriptedTrainer(5, 50, 50);
        ConfigurationSearch.Outcome validated = cv.search(1000, 120);
        assertThat(cv.trainings).hasSize(3);
        assertThat(validated.candidates().get(0).comparison()).isEqualTo("the validation split (20 rows); 5-fold"
                + " cross-validation was not run: at the pace of the candidates' trainings it needs about 75 s more,"
                + " and 55 s of the time budget were left");
    }

    @Test
    void aCandidateWhoseStatesWouldOverrunWhatIsLeftIsSkippedBeforeTheyAreComputed() {
        // 10 s a training: 80 s are left for the encoder's candidate, whose states would take about 120 s
        ScriptedTrainer trainer = new ScriptedTrainer(10, 120, 120);
        ConfigurationSearch.Outcome outcome = trainer.search(0, 100);
        assertThat(trainer.events).doesNotContain("inputs hashed");
        assertThat(trainer.trainings).hasSize(2);
        ConfigurationSearch.CandidateReport skipped = outcome.candidates().get(2);
        assertThat(skipped.chosen()).isFalse();
        assertThat(skipped.validationMacroF1()).isNull();
        assertThat(skipped.note()).isEqualTo("skipped: the hashed encoder's states of the 120 texts would take"
                + " about 120 s (at its pace on a sample of them), more than the 80 s of the time budget left to"
                + " this candidate");
        assertThat(outcome.result()).isSameAs(trainer.trainings.get(0).result());

        // the estimate decides: one that fits lets the states be computed, even if they then take longer
        ScriptedTrainer underestimated = new ScriptedTrainer(10, 70, 120);
        underestimated.search(0, 100);
        assertThat(underestimated.trainings).hasSize(3);
    }

    @Test
    void aCandidateWhoseViewWasLeftOutIsSkippedWithItsReasonAndTheOthersAreCompared() {
        // 5-fold cross-validation applies to these rows; a skipped candidate leaves it out, and says why
        ScriptedTrainer trainer = new ScriptedTrainer(1, 1, 1);
        List<ConfigurationSearch.View> views = List.of(views().get(0),
                ConfigurationSearch.View.leftOut(ENCODER, "its pieces do not fit"));
        ConfigurationSearch.Outcome outcome = new ConfigurationSearch(trainer,
                new ConfigurationSearch.CrossValidation(1000, FOLDS), trainer.clock::get)
                .train(views, LABELS, candidates(), 100, null, TrainingObserver.NONE, () -> false);
        assertThat(trainer.events).doesNotContain("inputs " + ENCODER);
        assertThat(trainer.trainings).extracting(Training::encoder).containsExactly(null, null);
        ConfigurationSearch.CandidateReport skipped = outcome.candidates().get(2);
        assertThat(skipped.chosen()).isFalse();
        assertThat(skipped.validationMacroF1()).isNull();
        assertThat(skipped.note()).isEqualTo("skipped: its pieces do not fit");
        assertThat(outcome.candidates().get(0).comparison()).endsWith("5-fold cross-validation was not run: not every"
                + " candidate trained (their notes say why)");
        assertThat(outcome.result()).isSameAs(trainer.trainings.get(0).result());
    }

    @Test
    void aKeptEncoderCandidateGetsMoreHeadsOnTheSameStatesWithTheBudgetLeft() {
        // 10 s a training, 30 s for the states: the encoder's candidate is kept at 60 s, 40 s before the end, so
        // two more heads (10 s each, started while 12.5 s are left) fit
        ScriptedTrainer trainer = new ScriptedTrainer(10, 30, 30);
        ConfigurationSearch.Outcome outcome = trainer.search(views(), candidates(), 0, 100, 3);

        assertThat(trainer.events).containsExactly("inputs word-ids", "train word-ids", "train word-ids",
                "inputs hashed", "train hashed", "train hashed", "train hashed");
        List<Training> heads = trainer.trainings.subList(2, 5);
        // the same states, the next seeds, each until at most the end of the budget
        assertThat(heads).allSatisfy(t -> assertThat(t.inputs()).isSameAs(heads.get(0).inputs()));
        assertThat(heads).extracting(t -> t.result().hyperParameters().seed()).containsExactly(7L, 8L, 9L);
        assertThat(heads.subList(1, 3)).extracting(Training::deadline)
                .containsExactly(100_000_000_000L, 100_000_000_000L);
        assertThat(heads).extracting(t -> t.result().hyperParameters().ensembleSize()).containsOnly(1);

        TrainingResult version = outcome.result();
        assertThat(version.hyperParameters().ensembleSize()).isEqualTo(3);
        assertThat(version.hyperParameters().encoder()).isEqualTo(ENCODER);
        assertThat(version.memberEvaluations()).containsExactly(heads.get(0).result().evaluation(),
                heads.get(1).result().evaluation(), heads.get(2).result().evaluation());
        ConfigurationSearch.CandidateReport kept = outcome.candidates().get(2);
        assertThat(kept.chosen()).isTrue();
        assertThat(kept.hyperParameters().ensembleSize()).isEqualTo(3);
        assertThat(kept.trainingSeconds()).as("its states, its training and the two heads'").isEqualTo(60.0);
        assertThat(kept.ensemble()).isEqualTo("3 heads over the same states, seeds 7 to 9, their probabilities"
                + " averaged: trained in 20 s of the 40 s of the time budget left after it was kept; validation"
                + " macro-F1 1.0000 (accuracy 1.0000), its first head alone 1.0000 (1.0000)");
        // the figures compared are still its first head's, and the others' reports are as they were
        assertThat(kept.validationMacroF1()).isEqualTo(heads.get(0).result().evaluation().macroF1());
        assertThat(outcome.candidates().subList(0, 2)).allSatisfy(c -> {
            assertThat(c.ensemble()).isNull();
            assertThat(c.hyperParameters().ensembleSize()).isEqualTo(1);
        });
    }

    @Test
    void moreHeadsStartOnlyWhileTheBudgetLeftFitsThemAndWordIdModelsGetNone() {
        // kept at 60 s of 80: one more head fits (20 s left), a third does not (10 s left, under 12.5 s)
        ScriptedTrainer two = new ScriptedTrainer(10, 30, 30);
        ConfigurationSearch.Outcome partly = two.search(views(), candidates(), 0, 80, 3);
        assertThat(two.trainings).hasSize(4);
        assertThat(partly.result().hyperParameters().ensembleSize()).isEqualTo(2);
        assertThat(partly.candidates().get(2).ensemble()).startsWith("2 heads over the same states, seeds 7 to 8")
                .endsWith("; no more: another did not fit what was left");

        // kept at 60 s of 70: no budget left for another head, so the version is the one compared
        ScriptedTrainer none = new ScriptedTrainer(10, 30, 30);
        ConfigurationSearch.Outcome alone = none.search(views(), candidates(), 0, 70, 3);
        assertThat(none.trainings).hasSize(3);
        assertThat(alone.result()).isSameAs(none.trainings.get(2).result());
        assertThat(alone.result().hyperParameters().ensembleSize()).isEqualTo(1);
        assertThat(alone.candidates().get(2).ensemble()).isEqualTo("one head: another (about 10 s, as long as this"
                + " one's training, with a margin of 1.25) did not fit the 10 s of the time budget left");
        assertThat(alone.candidates().get(2).trainingSeconds()).isEqualTo(40.0);

        // a kept word-id model stays one network, whatever is left: its serving cost would grow with every head
        ScriptedTrainer words = new ScriptedTrainer(10, 30, 30);
        ConfigurationSearch.Outcome wordIds = words.search(views().subList(0, 1), candidates().subList(0, 2), 0,
                1000, 3);
        assertThat(words.trainings).hasSize(2);
        assertThat(wordIds.result().hyperParameters().ensembleSize()).isEqualTo(1);
        assertThat(wordIds.candidates()).allSatisfy(c -> assertThat(c.ensemble()).isNull());
    }

    @Test
    void headsWhoseAverageTheFirstHeadAloneClearlyBeatsAreNotKeptAndASlightlyWorseAverageIs() {
        // the average wrong on 4 of the 20 validation rows its first head gets right (all four of one label: F1
        // 20/24 and 12/16, macro 0.7917): over 2 standard errors of
        // the paired accuracy difference, so the first head alone is the version
        ScriptedTrainer clearly = new ScriptedTrainer(10, 30, 30);
        clearly.ensembleWrongRows = 4;
        ConfigurationSearch.Outcome outcome = clearly.search(views(), candidates(), 0, 100, 3);

        assertThat(clearly.trainings).hasSize(5);
        assertThat(outcome.result()).isSameAs(clearly.trainings.get(2).result());
        assertThat(outcome.result().hyperParameters().ensembleSize()).isEqualTo(1);
        ConfigurationSearch.CandidateReport kept = outcome.candidates().get(2);
        assertThat(kept.hyperParameters().ensembleSize()).isEqualTo(1);
        assertThat(kept.trainingSeconds()).as("the heads' time was spent all the same").isEqualTo(60.0);
        assertThat(kept.ensemble()).isEqualTo("one head: 3 heads over the same states (seeds 7 to 9, trained in 20 s"
                + " of the 40 s left) scored validation macro-F1 0.7917 (accuracy 0.8000), under its first head alone"
                + " 1.0000 (1.0000) by more than the search's margin, so the version is the first head");

        // wrong on one row: a lower figure, but within the noise of 20 rows, so the average is the version
        ScriptedTrainer slightly = new ScriptedTrainer(10, 30, 30);
        slightly.ensembleWrongRows = 1;
        ConfigurationSearch.Outcome averaged = slightly.search(views(), candidates(), 0, 100, 3);
        assertThat(averaged.result().hyperParameters().ensembleSize()).isEqualTo(3);
        assertThat(averaged.result().evaluation().accuracy()).isEqualTo(0.95);
        assertThat(averaged.candidates().get(2).ensemble()).startsWith("3 heads over the same states, seeds 7 to 9");
    }

    @Test
    void realHeadsOverAnEncodersStatesAreTrainedOnStatesComputedOnceAndServeWithOneEncoderPass() {
        HashedRows rows = HashedRows.of(61);
        HashedPieceEncoder encoder = rows.encoder();
        ClassifierTrainer trainer = rows.trainer();
        ConfigurationSearch search = new ConfigurationSearch(trainer, ConfigurationSearch.CrossValidation.OFF);
        EncodedTexts trainPieces = rows.train();
        EncodedTexts validationPieces = rows.validation();
        // two candidates of the encoder, so that whichever is kept reads its states
        ConfigurationSearch.Outcome outcome = search.train(Vocabulary.reservedOnly(), trainPieces, validationPieces,
                ClassifierTrainerTest.LABELS, List.of(new ConfigurationSearch.Candidate("encoder-a", settings(4, ENCODER)),
                        new ConfigurationSearch.Candidate("encoder-b", settings(6, ENCODER))),
                600, null, TrainingObserver.NONE, () -> false);

        assertThat(encoder.textsEncoded()).as("the states of the job's texts once, for both candidates and the heads")
                .isEqualTo(trainPieces.size() + validationPieces.size());
        // three heads were trained; on this tiny corpus whether their average is kept depends on its score
        ConfigurationSearch.CandidateReport kept = outcome.candidates().stream()
                .filter(ConfigurationSearch.CandidateReport::chosen).findFirst().orElseThrow();
        assertThat(kept.ensemble()).containsPattern("^(3 heads over the same states, seeds 7 to 9|one head: 3 heads)");
        assertThat(outcome.result().classifier().ensembleSize()).isEqualTo(kept.hyperParameters().ensembleSize());

        // serving: the encoder runs once per text for all three heads of an encoder ensemble
        TrainingResult heads = trainer.train(Vocabulary.reservedOnly(), trainPieces, validationPieces,
                ClassifierTrainerTest.LABELS, settings(4, ENCODER).withEnsembleSize(3), null, TrainingObserver.NONE,
                () -> false);
        assertThat(heads.classifier().ensembleSize()).isEqualTo(3);
        int before = encoder.textsEncoded();
        List<Prediction> answers = heads.classifier().classify(List.of("a wonderful film", "a dull and tired plot",
                "the cast is fine"));
        assertThat(answers).extracting(Prediction::label).allMatch(ClassifierTrainerTest.LABELS::contains);
        assertThat(encoder.textsEncoded() - before).isEqualTo(3);
    }

    @Test
    void aSecondHeadTrainsOnAnotherThreadAlongsideItsCandidateAndChangesNeitherNetwork() {
        HashedRows rows = HashedRows.of(63);
        ClassifierTrainer real = rows.trainer();
        EncodedTexts trainPieces = rows.train();
        EncodedTexts validationPieces = rows.validation();
        List<ConfigurationSearch.Candidate> candidates = List.of(
                new ConfigurationSearch.Candidate("encoder-a", settings(4, 4, ENCODER)),
                new ConfigurationSearch.Candidate("encoder-b", settings(4, 6, ENCODER)));

        RecordingTrainer alongside = new RecordingTrainer(real);
        ConfigurationSearch.Outcome outcome = new ConfigurationSearch(alongside, ConfigurationSearch.CrossValidation.OFF,
                2, true, System::nanoTime).train(Vocabulary.reservedOnly(), trainPieces, validationPieces,
                ClassifierTrainerTest.LABELS, candidates, 600, null, TrainingObserver.NONE, () -> false);
        RecordingTrainer sequential = new RecordingTrainer(real);
        new ConfigurationSearch(sequential, ConfigurationSearch.CrossValidation.OFF, 2, false, System::nanoTime)
                .train(Vocabulary.reservedOnly(), trainPieces, validationPieces, ClassifierTrainerTest.LABELS,
                        candidates, 600, null, TrainingObserver.NONE, () -> false);

        // each candidate (seed 7) trained on the caller while its second head (seed 8) trained on another thread,
        // and the kept one's version needed no training after the comparison
        assertThat(alongside.trainings).hasSize(4);
        String caller = Thread.currentThread().getName();
        for (int units : new int[] {4, 6}) {
            Recorded candidate = alongside.find(units, 7);
            Recorded head = alongside.find(units, 8);
            assertThat(candidate.thread()).isEqualTo(caller);
            assertThat(head.thread()).startsWith("second-head-encoder-");
            assertThat(head.startedAt()).isLessThan(candidate.endedAt());
            assertThat(candidate.startedAt()).isLessThan(head.endedAt());
        }
        ConfigurationSearch.CandidateReport kept = outcome.candidates().stream()
                .filter(ConfigurationSearch.CandidateReport::chosen).findFirst().orElseThrow();
        assertThat(kept.ensemble()).containsPattern("^(2 heads over the same states, seeds 7 to 8|one head: 2 heads)")
                .endsWith("; the second trained alongside the first, on another core");

        // candidates that already have as many networks as a version may get train no head beside them
        RecordingTrainer full = new RecordingTrainer(real);
        new ConfigurationSearch(full, ConfigurationSearch.CrossValidation.OFF, 2, true, System::nanoTime)
                .train(Vocabulary.reservedOnly(), trainPieces, validationPieces, ClassifierTrainerTest.LABELS,
                        candidates.stream().map(c -> new ConfigurationSearch.Candidate(c.name(),
                                c.hyperParameters().withEnsembleSize(2))).toList(),
                        600, null, TrainingObserver.NONE, () -> false);
        assertThat(full.trainings).hasSize(2).allSatisfy(t -> assertThat(t.thread()).isEqualTo(caller));

        // the same networks as trained one after the other: each training's random numbers are its own thread's
        assertThat(sequential.trainings).hasSize(3);
        int keptUnits = kept.hyperParameters().lstmUnits();
        List<String> texts = List.of("a wonderful film", "a dull and tired plot", "the cast is fine");
        for (int seed : new int[] {7, 8}) {
            assertThat(alongside.find(keptUnits, seed).result().classifier().classify(texts))
                    .usingRecursiveFieldByFieldElementComparator()
                    .isEqualTo(sequential.find(keptUnits, seed).result().classifier().classify(texts));
        }
    }

    @Test
    void viewsOfDifferentRowsOrACandidateWithoutAViewAreRefused() {
        ScriptedTrainer trainer = new ScriptedTrainer(1, 1, 1);
        ConfigurationSearch search = new ConfigurationSearch(trainer, ConfigurationSearch.CrossValidation.OFF,
                trainer.clock::get);
        // the pieces of the same texts, but in another order: their labels do not line up
        int[] labels = WORDS_TRAIN.labels();
        EncodedTexts shuffled = new EncodedTexts(PIECES_TRAIN.sequences(),
                java.util.stream.IntStream.range(0, labels.length).map(i -> labels[labels.length - 1 - i]).toArray());
        assertThatThrownBy(() -> search.train(List.of(new ConfigurationSearch.View(null, WORDS, WORDS_TRAIN,
                        WORDS_VALIDATION), new ConfigurationSearch.View(ENCODER, PIECES, shuffled, PIECES_VALIDATION)),
                LABELS, candidates(), 100, null, TrainingObserver.NONE, () -> false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same rows");
        assertThatThrownBy(() -> search.train(WORDS, WORDS_TRAIN, WORDS_VALIDATION, LABELS, candidates(), 100, null,
                TrainingObserver.NONE, () -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoder-bilstm-hashed reads encoder hashed");
    }

    @Test
    void realNetworksOnWordIdsAndOnAnEncodersStatesAreCrossValidatedOnTheSameRows() {
        LabelledTexts train = ClassifierTrainerTest.texts(TestCorpus.examples(150, 51));
        LabelledTexts validation = ClassifierTrainerTest.texts(TestCorpus.examples(40, 52));
        Tokenizer tokenizer = new Tokenizer();
        List<List<String>> trainTokens = train.texts().stream().map(tokenizer::tokenize).toList();
        Vocabulary vocabulary = Vocabulary.build(trainTokens, 1, 1000);
        HashedPieceEncoder encoder = new HashedPieceEncoder(ENCODER, 8);
        List<ConfigurationSearch.View> views = List.of(
                new ConfigurationSearch.View(null, vocabulary, EncodedTexts.encode(train, tokenizer, vocabulary, 30),
                        EncodedTexts.encode(validation, tokenizer, vocabulary, 30)),
                new ConfigurationSearch.View(ENCODER, Vocabulary.reservedOnly(), pieces(train, encoder, tokenizer),
                        pieces(validation, encoder, tokenizer)));
        ConfigurationSearch search = new ConfigurationSearch(new ClassifierTrainer(1, HashedPieceEncoder.lookup(encoder),
                () -> Long.MAX_VALUE), new ConfigurationSearch.CrossValidation(1000, 3));
        ConfigurationSearch.Outcome outcome = search.train(views, ClassifierTrainerTest.LABELS,
                List.of(new ConfigurationSearch.Candidate("lstm", settings(8, null)),
                        new ConfigurationSearch.Candidate("encoder-bilstm-hashed", settings(8, ENCODER))),
                600, null, TrainingObserver.NONE, () -> false);

        assertThat(outcome.candidates()).allSatisfy(c -> {
            assertThat(c.folds()).isEqualTo(3);
            assertThat(c.outOfFoldMacroF1()).isNotNull();
            assertThat(c.comparedRows()).isEqualTo(150);
        });
        // each text's states once (its three folds and the comparison included), after one text and a sample of
        // 64 timed the encoder
        assertThat(encoder.textsEncoded()).isEqualTo(1 + EncoderStates.SAMPLE_TEXTS + 150 + 40);
        // the kept version reads what its candidate read
        ConfigurationSearch.CandidateReport kept = outcome.candidates().stream()
                .filter(ConfigurationSearch.CandidateReport::chosen).findFirst().orElseThrow();
        assertThat(outcome.result().hyperParameters().encoder()).isEqualTo(kept.hyperParameters().encoder());
        assertThat(outcome.result().vocabularySize()).isEqualTo(kept.hyperParameters().usesEncoder() ? 2
                : vocabulary.size());
        assertThat(outcome.result().classifier().classify("a wonderful film").label()).isIn(ClassifierTrainerTest.LABELS);
    }

    /** 120 training and 40 validation texts of the test corpus as a hashed encoder's pieces, and a real trainer. */
    record HashedRows(HashedPieceEncoder encoder, ClassifierTrainer trainer, EncodedTexts train,
                      EncodedTexts validation) {
        /** @param seed the training texts' seed; the validation texts' is the next */
        static HashedRows of(int seed) {
            Tokenizer tokenizer = new Tokenizer();
            HashedPieceEncoder encoder = new HashedPieceEncoder(ENCODER, 8);
            return new HashedRows(encoder,
                    new ClassifierTrainer(1, HashedPieceEncoder.lookup(encoder), () -> Long.MAX_VALUE),
                    pieces(ClassifierTrainerTest.texts(TestCorpus.examples(120, seed)), encoder, tokenizer),
                    pieces(ClassifierTrainerTest.texts(TestCorpus.examples(40, seed + 1)), encoder, tokenizer));
        }
    }

    private static EncodedTexts pieces(LabelledTexts texts, PretrainedEncoder encoder, Tokenizer tokenizer) {
        int[][] sequences = texts.texts().stream()
                .map(t -> EncoderPieces.of(encoder, tokenizer.tokenize(t), 30)).toArray(int[][]::new);
        return new EncodedTexts(sequences, texts.labels());
    }

    private static Set<int[]> identitySet(int[][] rows) {
        Set<int[]> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(Arrays.asList(rows));
        return set;
    }

    /** One training a {@link RecordingTrainer} ran: its settings, thread, start and end, and result. */
    record Recorded(HyperParameters hp, String thread, long startedAt, long endedAt, TrainingResult result) {
    }

    /** The real trainer, each training recorded (from whichever thread ran it). */
    static final class RecordingTrainer implements ConfigurationSearch.Trainer {
        final List<Recorded> trainings = Collections.synchronizedList(new ArrayList<>());
        private final ClassifierTrainer trainer;

        RecordingTrainer(ClassifierTrainer trainer) {
            this.trainer = trainer;
        }

        Recorded find(int units, long seed) {
            return trainings.stream().filter(t -> t.hp().lstmUnits() == units && t.hp().seed() == seed)
                    .findFirst().orElseThrow();
        }

        @Override
        public TrainingInputs inputs(HyperParameters hp, EncodedTexts train, EncodedTexts validation,
                                     TrainingObserver observer, BooleanSupplier cancelled) {
            return trainer.inputs(hp, train, validation, observer, cancelled);
        }

        @Override
        public TrainingResult train(Vocabulary vocabulary, TrainingInputs inputs, List<String> labels,
                                    HyperParameters hp, WordVectorTable wordVectors, TrainingObserver observer,
                                    BooleanSupplier cancelled, long deadlineNanos) {
            long start = System.nanoTime();
            TrainingResult result = trainer.train(vocabulary, inputs, labels, hp, wordVectors, observer, cancelled,
                    deadlineNanos);
            trainings.add(new Recorded(hp, Thread.currentThread().getName(), start, System.nanoTime(), result));
            return result;
        }
    }

    /** What one training was given, when it started, and its result. */
    record Training(String encoder, Vocabulary vocabulary, TrainingInputs inputs, long startedAt, long deadline,
                    TrainingResult[] trained) {
        TrainingResult result() {
            return trained[0];
        }
    }

    /**
     * A stand-in for the trainer on a clock of its own: a training costs {@code trainingSeconds} (on all rows;
     * a fold the same), the encoder's states {@code encodingSeconds}, and their estimate is
     * {@code estimatedSeconds}. A word-id model predicts three rows in five right, the encoder's model every row.
     */
    static final class ScriptedTrainer implements ConfigurationSearch.Trainer {
        final AtomicLong clock = new AtomicLong();
        final List<String> events = new ArrayList<>();
        final List<Training> trainings = new ArrayList<>();
        private final long trainingNanos;
        private final double estimatedSeconds;
        private final long encodingNanos;

        ScriptedTrainer(double trainingSeconds, double estimatedSeconds, double encodingSeconds) {
            this.trainingNanos = Math.round(trainingSeconds * 1e9);
            this.estimatedSeconds = estimatedSeconds;
            this.encodingNanos = Math.round(encodingSeconds * 1e9);
        }

        ConfigurationSearch.Outcome search(int maxRows, double budgetSeconds) {
            return search(views(), candidates(), maxRows, budgetSeconds);
        }

        ConfigurationSearch.Outcome search(List<ConfigurationSearch.View> views,
                                           List<ConfigurationSearch.Candidate> candidates, int maxRows,
                                           double budgetSeconds) {
            return search(views, candidates, maxRows, budgetSeconds, 1);
        }

        /** The same, a kept encoder candidate getting up to {@code heads} heads as the budget allows. */
        ConfigurationSearch.Outcome search(List<ConfigurationSearch.View> views,
                                           List<ConfigurationSearch.Candidate> candidates, int maxRows,
                                           double budgetSeconds, int heads) {
            return new ConfigurationSearch(this, new ConfigurationSearch.CrossValidation(maxRows, FOLDS), heads,
                    clock::get).train(views, LABELS, candidates, budgetSeconds, null, TrainingObserver.NONE,
                    () -> false);
        }

        /** Validation rows, from the first, that an ensemble gets wrong where its first member is right. */
        int ensembleWrongRows;

        /** The members' settings and evaluations, scored by its predictions ({@link #ensembleWrongRows}). */
        @Override
        public TrainingResult ensemble(List<TrainingResult> members, TrainingInputs inputs, List<String> labels,
                                       HyperParameters hp, double seconds) {
            TrainingResult unevaluated = new TrainingResult(false, null, null, hp, List.of(), 1,
                    members.get(0).vocabularySize(), null, seconds, 1, 1, List.of());
            EvaluationReport scored = Evaluations.report(LABELS, inputs.validation().labels(),
                    predict(unevaluated, inputs.validation(), inputs.validationFeatures()));
            return new TrainingResult(false, null, scored, hp, List.of(), 1,
                    members.get(0).vocabularySize(), null, seconds, 1, 1,
                    members.stream().map(TrainingResult::evaluation).toList());
        }

        @Override
        public TrainingInputs inputs(HyperParameters hp, EncodedTexts train, EncodedTexts validation,
                                     TrainingObserver observer, BooleanSupplier cancelled) {
            events.add("inputs " + (hp.usesEncoder() ? hp.encoder() : "word-ids"));
            if (!hp.usesEncoder()) {
                return TrainingInputs.ofTokenIds(train, validation);
            }
            clock.addAndGet(encodingNanos);
            return new TrainingInputs(train, validation, new TokenIds(train.sequences()),
                    new TokenIds(validation.sequences()),
                    new ModelEncoder(hp.encoder(), "f", new HashedPieceEncoder(hp.encoder(), 4)));
        }

        @Override
        public double encodingSeconds(HyperParameters hp, EncodedTexts train, EncodedTexts validation) {
            return hp.usesEncoder() ? estimatedSeconds : 0;
        }

        @Override
        public TrainingResult train(Vocabulary vocabulary, TrainingInputs inputs, List<String> labels,
                                    HyperParameters hp, WordVectorTable wordVectors, TrainingObserver observer,
                                    BooleanSupplier cancelled, long deadlineNanos) {
            events.add("train " + (hp.usesEncoder() ? hp.encoder() : "word-ids"));
            Training training = new Training(hp.encoder(), vocabulary, inputs, clock.get(), deadlineNanos,
                    new TrainingResult[1]);
            trainings.add(training);
            clock.addAndGet(trainingNanos);
            TrainingResult unevaluated = new TrainingResult(false, null, null, hp, List.of(), 1, vocabulary.size(),
                    null, trainingNanos / 1e9, 1, 1, List.of());
            EvaluationReport evaluation = Evaluations.report(LABELS, inputs.validation().labels(),
                    predict(unevaluated, inputs.validation(), inputs.validationFeatures()));
            training.trained()[0] = new TrainingResult(false, null, evaluation, hp, List.of(), 1, vocabulary.size(),
                    null, trainingNanos / 1e9, 1, 1, List.of());
            return training.result();
        }

        @Override
        public int[] predict(TrainingResult trained, EncodedTexts texts, SequenceFeatures features) {
            int[] predicted = new int[texts.size()];
            for (int i = 0; i < predicted.length; i++) {
                int[] row = texts.sequences()[i];
                int index = trained.hyperParameters().usesEncoder() ? row[1] - 1000 : row[0] - 2;
                boolean right = trained.hyperParameters().usesEncoder() || index % 5 < 3;
                if (trained.hyperParameters().ensembleSize() > 1 && i < ensembleWrongRows) {
                    right = !right;
                }
                predicted[i] = right ? texts.labels()[i] : 1 - texts.labels()[i];
            }
            return predicted;
        }
    }
}
