package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.example.sentiment.TestCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.junit.jupiter.api.BeforeAll;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Trains real DL4J networks on a tiny generated corpus. */
class ClassifierTrainerTest {

    static final List<String> LABELS = List.of("negative", "positive");
    static TrainingResult trained;

    static HyperParameters small(int epochs, HyperParameters.Pooling pooling, boolean bidirectional) {
        return new HyperParameters(epochs, 16, 0.01, 16, 16, bidirectional, 0.2, 0, 50, 1, 1000, 7, 0, pooling, null, false, HyperParameters.Engine.FUSED, null);
    }

    static LabelledTexts texts(List<TestCorpus.Example> examples) {
        List<String> texts = new ArrayList<>();
        int[] labels = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            texts.add(examples.get(i).text());
            labels[i] = LABELS.indexOf(examples.get(i).label());
        }
        return new LabelledTexts(texts, labels);
    }

    @BeforeAll
    static void train() {
        List<EpochMetrics> epochs = new ArrayList<>();
        trained = new ClassifierTrainer().train(texts(TestCorpus.examples(300, 1)), texts(TestCorpus.examples(60, 2)),
                LABELS, small(6, HyperParameters.Pooling.LAST, false), null, new TrainingObserver() {
                    @Override
                    public void onBatch(int epoch, int batch, int totalBatches, double loss) {
                    }

                    @Override
                    public void onEpoch(EpochMetrics metrics) {
                        epochs.add(metrics);
                    }
                }, () -> false);
        assertThat(epochs).hasSize(6);
    }

    @Test
    void learnsTheCorpusAndClassifiesClearExamples() {
        assertThat(trained.cancelled()).isFalse();
        assertThat(trained.evaluation().accuracy()).isGreaterThan(0.9);
        assertThat(trained.history()).hasSize(6);
        TextClassifier classifier = trained.classifier();
        assertThat(classifier.classify("the acting was wonderful").label()).isEqualTo("positive");
        assertThat(classifier.classify("the plot was terrible").label()).isEqualTo("negative");
        Prediction p = classifier.classify("really excellent story");
        assertThat(p.scores()).containsOnlyKeys("negative", "positive");
        assertThat(p.scores().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-4));
        assertThat(p.confidence()).isEqualTo(p.scores().get(p.label()));
    }

    @Test
    void aPaddedBatchGivesTheSameAnswerAsEachTextAlone() {
        TextClassifier classifier = trained.classifier();
        List<String> texts = List.of("good", "the movie was really quite boring and the cast was dull",
                "this film", "a lovely story with music and a brilliant cast and acting");
        List<Prediction> batch = classifier.classify(texts);
        for (int i = 0; i < texts.size(); i++) {
            Prediction alone = classifier.classify(texts.get(i));
            assertThat(batch.get(i).label()).isEqualTo(alone.label());
            assertThat(batch.get(i).scores().get("positive")).isCloseTo(alone.scores().get("positive"), within(1e-5));
        }
    }

    @Test
    void truncatesLongTextsAndSaysSo() {
        String longText = String.join(" ", Collections.nCopies(80, "good"));
        Prediction p = trained.classifier().classify(longText);
        assertThat(p.truncated()).isTrue();
        assertThat(p.tokens()).isEqualTo(50);
        assertThat(trained.classifier().classify("good film").truncated()).isFalse();
    }

    @Test
    void savesAndLoadsToIdenticalPredictions(@TempDir Path dir) throws Exception {
        trained.classifier().save(dir);
        TextClassifier loaded = TextClassifier.load(dir, 50);
        for (String text : List.of("awful", "a wonderful film", "the plot")) {
            assertThat(loaded.classify(text).scores().get("positive"))
                    .isCloseTo(trained.classifier().classify(text).scores().get("positive"), within(1e-6));
        }
        assertThat(loaded.labels()).isEqualTo(LABELS);
    }

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void cancellingStopsWithinABatchAndGivesNoModel(int workers) {
        AtomicInteger batches = new AtomicInteger();
        AtomicBoolean cancel = new AtomicBoolean();
        TrainingResult result = new ClassifierTrainer(workers, 1).train(texts(TestCorpus.examples(400, 3)),
                texts(TestCorpus.examples(40, 4)), LABELS, small(50, HyperParameters.Pooling.LAST, false), null,
                new TrainingObserver() {
                    @Override
                    public void onBatch(int epoch, int batch, int totalBatches, double loss) {
                        if (batches.incrementAndGet() == 3) {
                            cancel.set(true);
                        }
                    }

                    @Override
                    public void onEpoch(EpochMetrics metrics) {
                    }
                }, cancel::get);
        assertThat(result.cancelled()).isTrue();
        assertThat(result.classifier()).isNull();
        assertThat(batches.get()).isLessThanOrEqualTo(4);
    }

    @Test
    void twoReplicasTrainedSideBySideLearnTheCorpus() {
        List<EpochMetrics> epochs = new ArrayList<>();
        AtomicInteger batchesReported = new AtomicInteger();
        TrainingResult result = new ClassifierTrainer(2, 1).train(texts(TestCorpus.examples(300, 1)),
                texts(TestCorpus.examples(60, 2)), LABELS, small(6, HyperParameters.Pooling.LAST, false), null,
                new TrainingObserver() {
                    @Override
                    public void onBatch(int epoch, int batch, int totalBatches, double loss) {
                        batchesReported.incrementAndGet();
                    }

                    @Override
                    public void onEpoch(EpochMetrics metrics) {
                        epochs.add(metrics);
                    }
                }, () -> false);
        assertThat(epochs).hasSize(6);
        assertThat(batchesReported.get()).as("the first replica reports its minibatches").isEqualTo(6 * 10);
        assertThat(result.evaluation().accuracy()).isGreaterThan(0.9);
        assertThat(result.classifier().classify("the acting was wonderful").label()).isEqualTo("positive");
        assertThat(result.evaluation().accuracy()).as("the best epoch's weights are kept")
                .isEqualTo(epochs.stream().mapToDouble(EpochMetrics::validationAccuracy).max().orElseThrow());
    }

    @Test
    void balancedClassWeightsWeighEveryLabelTheSameInTotal() {
        // n = 4 examples, k = 3 labels: n / (k * n_c); the unseen label adds nothing to the loss and keeps 1
        assertThat(NetworkFactory.balancedClassWeights(new int[] {0, 0, 0, 1}, 3))
                .containsExactly(new double[] {4.0 / 9, 4.0 / 3, 1.0}, within(1e-12));
    }

    @Test
    void balancedClassWeightsMoveARareLabelsProbabilityUp() {
        // one negative example in ten: unweighted, the loss barely notices the negatives
        List<TestCorpus.Example> rare = new ArrayList<>();
        int negativesSeen = 0;
        for (TestCorpus.Example e : TestCorpus.examples(600, 21)) {
            if (e.label().equals("positive") || negativesSeen++ % 9 == 0) {
                rare.add(e);
            }
        }
        List<TestCorpus.Example> validation = TestCorpus.examples(60, 22);
        HyperParameters plain = small(1, HyperParameters.Pooling.LAST, false);
        HyperParameters balanced = new HyperParameters(1, 16, 0.01, 16, 16, false, 0.2, 0, 50, 1, 1000, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null, 0, 0, 0, 1,
                HyperParameters.ClassWeights.BALANCED);
        TrainingResult unweighted = new ClassifierTrainer().train(texts(rare), texts(validation), LABELS, plain, null,
                TrainingObserver.NONE, () -> false);
        TrainingResult weighted = new ClassifierTrainer().train(texts(rare), texts(validation), LABELS, balanced, null,
                TrainingObserver.NONE, () -> false);

        int[] trainLabels = texts(rare).labels();
        LossMCXENT loss = (LossMCXENT) ((BaseOutputLayer) weighted.classifier().networkLayer(3).conf().getLayer())
                .getLossFn();
        assertThat(loss.getWeights().toDoubleVector()).as("the trained network carries the training split's weights")
                .containsExactly(NetworkFactory.balancedClassWeights(trainLabels, 2), within(1e-6));
        List<String> negatives = validation.stream().filter(e -> e.label().equals("negative"))
                .map(TestCorpus.Example::text).toList();
        assertThat(meanScore(weighted, negatives, "negative"))
                .as("the rare label is more probable on its own examples with balanced weights")
                .isGreaterThan(meanScore(unweighted, negatives, "negative"));
    }

    private static double meanScore(TrainingResult result, List<String> texts, String label) {
        return result.classifier().classify(texts).stream().mapToDouble(p -> p.scores().get(label)).average()
                .orElseThrow();
    }

    @Test
    void theDl4jEngineTrainsOnDl4jsOwnLstmLayer() {
        HyperParameters fused = small(6, HyperParameters.Pooling.LAST, false);
        HyperParameters dl4j = new HyperParameters(6, 16, 0.01, 16, 16, false, 0.2, 0, 50, 1, 1000, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.DL4J, null);
        TrainingResult result = new ClassifierTrainer().train(texts(TestCorpus.examples(300, 1)),
                texts(TestCorpus.examples(60, 2)), LABELS, dl4j, null, TrainingObserver.NONE, () -> false);
        assertThat(result.classifier().networkLayer(1))
                .isInstanceOf(org.deeplearning4j.nn.layers.recurrent.LastTimeStepLayer.class);
        assertThat(trained.classifier().networkLayer(1)).as("the default engine").isInstanceOf(FusedLstmLayer.class);
        assertThat(result.classifier().parameterCount()).as("the same model").isEqualTo(
                NetworkFactory.create(fused, result.vocabularySize(), 2, null).numParams());
        assertThat(result.evaluation().accuracy()).isGreaterThan(0.9);
        assertThat(result.classifier().fused()).as("served through the fused op all the same").isNotNull();
    }

    @Test
    void bidirectionalWithMaxPoolingAlsoLearns() {
        TrainingResult result = new ClassifierTrainer().train(texts(TestCorpus.examples(200, 5)),
                texts(TestCorpus.examples(40, 6)), LABELS, small(4, HyperParameters.Pooling.MAX, true), null,
                TrainingObserver.NONE, () -> false);
        assertThat(result.evaluation().accuracy()).isGreaterThan(0.85);
    }

    /** Eight-dimensional vectors for the test corpus's words, the first dimension carrying the sentiment. */
    private static Path tinyVectors(Path dir) throws java.io.IOException {
        Path glove = dir.resolve("tiny-glove.txt");
        StringBuilder lines = new StringBuilder();
        java.util.Random random = new java.util.Random(1);
        List<String> positive = List.of("good", "great", "wonderful", "excellent", "lovely", "brilliant");
        for (String word : List.of("good", "great", "wonderful", "excellent", "lovely", "brilliant", "bad", "awful",
                "boring", "terrible", "dull", "horrible", "film", "unused")) {
            lines.append(word);
            // the first dimension carries the sentiment, as real vectors roughly do
            lines.append(' ').append(positive.contains(word) ? "1.0" : word.equals("film") ? "0.0" : "-1.0");
            for (int d = 1; d < 8; d++) {
                lines.append(' ').append(String.format(java.util.Locale.ROOT, "%.4f", random.nextGaussian() * 0.1));
            }
            lines.append('\n');
        }
        java.nio.file.Files.writeString(glove, lines);
        return glove;
    }

    @Test
    void finalStatesPlusMaxWithSpatialDropoutLearns() {
        HyperParameters hp = new HyperParameters(4, 16, 0.01, 16, 16, true, 0.2, 0.1, 50, 1, 1000, 7, 0,
                HyperParameters.Pooling.LAST_MAX, null, false, HyperParameters.Engine.FUSED, null, 0.2, 0.01, 0, 1);
        TrainingResult result = new ClassifierTrainer().train(texts(TestCorpus.examples(200, 5)),
                texts(TestCorpus.examples(40, 6)), LABELS, hp, null, TrainingObserver.NONE, () -> false);
        assertThat(result.evaluation().accuracy()).isGreaterThan(0.85);
        assertThat(result.classifier().fused()).as("served through the fused op").isNotNull();
    }

    @Test
    void fineTuningPhaseContinuesTheEpochsAndIsKeptOnlyIfValidationImproves(@TempDir Path dir) throws Exception {
        Path glove = tinyVectors(dir);
        HyperParameters hp = new HyperParameters(3, 16, 0.01, 8, 16, false, 0.2, 0.1, 50, 1, 1000, 7, 0,
                HyperParameters.Pooling.LAST, "tiny-glove.txt", true, HyperParameters.Engine.FUSED, null, 0, 0, 2, 1);
        WordVectorTable vectors = WordVectorTable.open(glove);
        TrainingResult result = new ClassifierTrainer().train(texts(TestCorpus.examples(200, 5)),
                texts(TestCorpus.examples(40, 6)), LABELS, hp, vectors, TrainingObserver.NONE, () -> false);
        List<EpochMetrics> history = result.history();
        assertThat(history.size()).as("three frozen epochs, then one or two fine-tuning ones").isBetween(4, 5);
        for (int i = 0; i < history.size(); i++) {
            assertThat(history.get(i).epoch()).isEqualTo(i + 1);
        }
        double frozenBest = history.subList(0, 3).stream().mapToDouble(EpochMetrics::validationMacroF1).max().orElseThrow();
        double tunedBest = history.subList(3, history.size()).stream().mapToDouble(EpochMetrics::validationMacroF1)
                .max().orElseThrow();
        assertThat(result.evaluation().macroF1()).isEqualTo(Math.max(frozenBest, tunedBest), within(1e-12));
        // the embedding moved exactly when the fine-tuned phase was kept
        INDArray embedding = result.classifier().networkLayer(0).getParam("W");
        TrainingResult frozenOnly = new ClassifierTrainer().train(texts(TestCorpus.examples(200, 5)),
                texts(TestCorpus.examples(40, 6)), LABELS, new HyperParameters(3, 16, 0.01, 8, 16, false, 0.2, 0.1, 50,
                        1, 1000, 7, 0, HyperParameters.Pooling.LAST, "tiny-glove.txt", true,
                        HyperParameters.Engine.FUSED, null, 0, 0, 0, 1), vectors, TrainingObserver.NONE, () -> false);
        boolean moved = !embedding.equalsWithEps(frozenOnly.classifier().networkLayer(0).getParam("W"), 1e-7);
        assertThat(moved).isEqualTo(result.bestEpoch() > 3);
    }

    @Test
    void startsFromPrecomputedWordVectorsWhoseSizeItTakes(@TempDir Path dir) throws Exception {
        Path glove = tinyVectors(dir);
        HyperParameters hp = new HyperParameters(8, 16, 0.01, 64, 16, false, 0.2, 0.1, 50, 1, 1000, 7, 0,
                HyperParameters.Pooling.LAST, "tiny-glove.txt", false, HyperParameters.Engine.FUSED, null);
        TrainingResult result = new ClassifierTrainer().train(texts(TestCorpus.examples(200, 5)),
                texts(TestCorpus.examples(40, 6)), LABELS, hp, WordVectorTable.open(glove), TrainingObserver.NONE, () -> false);
        assertThat(result.hyperParameters().embeddingSize()).isEqualTo(8);
        assertThat(result.wordVectorsCovered()).isEqualTo(13);
        assertThat(result.evaluation().accuracy()).isGreaterThan(0.85);
        // the model handed back is the best epoch's (by macro-F1, the default), fine-tuned embedding included
        assertThat(result.evaluation().macroF1()).isEqualTo(result.history().stream()
                .mapToDouble(EpochMetrics::validationMacroF1).max().orElseThrow());
    }

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void aLossThatBecomesNaNFailsTheTrainingAsDiverged(int workers, @TempDir Path dir) throws Exception {
        // a damaged vectors file is one real way to get there: one NaN poisons the first forward pass
        Path vectors = dir.resolve("damaged.txt");
        java.nio.file.Files.writeString(vectors, "good NaN 0.1 0.2 0.3\nbad 0.3 0.2 0.1 0.0\nfilm 0.1 0.1 0.1 0.1\n");
        HyperParameters hp = new HyperParameters(3, 16, 0.01, 4, 8, false, 0, 0, 50, 1, 1000, 7, 0,
                HyperParameters.Pooling.LAST, "damaged.txt", false, HyperParameters.Engine.FUSED, null);
        assertThatThrownBy(() -> new ClassifierTrainer(workers, 1).train(texts(TestCorpus.examples(100, 8)),
                texts(TestCorpus.examples(20, 9)), LABELS, hp, WordVectorTable.open(vectors), TrainingObserver.NONE, () -> false))
                .isInstanceOf(TrainingFailedException.class).hasMessageContaining("diverged");
    }

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void runningOutOfMemoryFailsWithThatReason(int workers) {
        TrainingObserver exhausted = new TrainingObserver() {
            @Override
            public void onBatch(int epoch, int batch, int totalBatches, double loss) {
                throw new OutOfMemoryError("Cannot allocate new FloatPointer");
            }

            @Override
            public void onEpoch(EpochMetrics metrics) {
            }
        };
        assertThatThrownBy(() -> new ClassifierTrainer().train(texts(TestCorpus.examples(100, 8)),
                texts(TestCorpus.examples(20, 9)), LABELS, small(2, HyperParameters.Pooling.LAST, false), null,
                exhausted, () -> false))
                .isInstanceOf(TrainingFailedException.class).hasMessageContaining("ran out of memory");
    }

    /** Labels flipped for every fifth example: the validation figures then disagree on the best epoch. */
    private static LabelledTexts noisy(List<TestCorpus.Example> examples) {
        LabelledTexts clean = texts(examples);
        int[] labels = clean.labels().clone();
        for (int i = 0; i < labels.length; i += 5) {
            labels[i] = 1 - labels[i];
        }
        return new LabelledTexts(clean.texts(), labels);
    }

    private static double score(EpochMetrics e, HyperParameters.SelectionMetric metric) {
        return switch (metric) {
            case ACCURACY -> 1 - e.validationAccuracy();
            case MACRO_F1 -> 1 - e.validationMacroF1();
            case LOSS -> e.validationLoss();
        };
    }

    /** Early stopping on, with a patience that never ends these 8 epochs early: every plateau halves the rate. */
    private static TrainingResult trainSelectingBy(HyperParameters.SelectionMetric metric) {
        HyperParameters hp = new HyperParameters(8, 16, 0.03, 16, 16, false, 0, 0, 50, 1, 1000, 11, 8,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, metric);
        return new ClassifierTrainer().train(noisy(TestCorpus.examples(120, 21)), noisy(TestCorpus.examples(60, 22)),
                LABELS, hp, null, TrainingObserver.NONE, () -> false);
    }

    @Test
    void theSelectionMetricDecidesWhichEpochIsKept() {
        java.util.Map<HyperParameters.SelectionMetric, Integer> kept = new java.util.EnumMap<>(HyperParameters.SelectionMetric.class);
        for (HyperParameters.SelectionMetric metric : HyperParameters.SelectionMetric.values()) {
            TrainingResult result = trainSelectingBy(metric);
            List<EpochMetrics> history = result.history();
            int best = 0;
            for (int i = 1; i < history.size(); i++) {
                if (score(history.get(i), metric) < score(history.get(best), metric)) {
                    best = i;
                }
            }
            assertThat(result.bestEpoch()).as(metric.name()).isEqualTo(history.get(best).epoch());
            // the returned model is that epoch's
            assertThat(result.evaluation().accuracy()).isEqualTo(history.get(best).validationAccuracy());
            kept.put(metric, result.bestEpoch());
        }
        // on noisy labels, the loss and the error rate disagree on the best epoch
        assertThat(kept.get(HyperParameters.SelectionMetric.LOSS)).isNotEqualTo(kept.get(HyperParameters.SelectionMetric.ACCURACY));
    }

    @Test
    void anEpochWithoutImprovementHalvesTheLearningRateOfTheNext(@TempDir Path dir) throws Exception {
        TrainingResult result = trainSelectingBy(HyperParameters.SelectionMetric.LOSS);
        List<EpochMetrics> history = result.history();
        assertThat(history.get(0).learningRate()).isEqualTo(0.03);
        double best = Double.POSITIVE_INFINITY;
        int halvings = 0;
        for (int i = 0; i + 1 < history.size(); i++) {
            double score = history.get(i).validationLoss();
            boolean improved = score < best;
            best = Math.min(best, score);
            double expected = improved ? history.get(i).learningRate() : history.get(i).learningRate() / 2;
            assertThat(history.get(i + 1).learningRate()).as("epoch %d", i + 2).isEqualTo(expected);
            halvings += improved ? 0 : 1;
        }
        assertThat(halvings).as("plateaus in this run").isPositive();
        // without early stopping the rate stays
        assertThat(trained.history()).extracting(EpochMetrics::learningRate).containsOnly(0.01);
        // the stored model gets the last rate as a fixed one: nothing refers to the run's schedule
        result.classifier().save(dir);
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(dir.resolve(TextClassifier.NETWORK_FILE).toFile())) {
            String config = new String(zip.getInputStream(zip.getEntry("configuration.json")).readAllBytes());
            EpochMetrics last = history.get(history.size() - 1);
            double finalRate = last.validationLoss() < best ? last.learningRate() : last.learningRate() / 2;
            assertThat(config).doesNotContain("PlateauLearningRate").contains("\"learningRate\" : " + finalRate);
        }
    }

    @Test
    void selectingByMacroF1AnEpochThatLowersTheLossIsProgressTooSoItNeitherHalvesTheRateNorCountsTowardsPatience() {
        // clean labels: macro-F1 soon stops rising (it reaches its ceiling) while the loss goes on falling
        List<EpochMetrics> history = trainByMacroF1(8, false);
        double bestF1 = Double.NEGATIVE_INFINITY;
        double bestLoss = Double.POSITIVE_INFINITY;
        int lossOnlyEpochs = 0;
        for (int i = 0; i + 1 < history.size(); i++) {
            EpochMetrics e = history.get(i);
            boolean f1Improved = e.validationMacroF1() > bestF1;
            boolean lossImproved = e.validationLoss() < bestLoss;
            bestF1 = Math.max(bestF1, e.validationMacroF1());
            bestLoss = Math.min(bestLoss, e.validationLoss());
            double expected = f1Improved || lossImproved ? e.learningRate() : e.learningRate() / 2;
            assertThat(history.get(i + 1).learningRate()).as("epoch %d", i + 2).isEqualTo(expected);
            lossOnlyEpochs += !f1Improved && lossImproved ? 1 : 0;
        }
        assertThat(lossOnlyEpochs).as("epochs whose loss alone improved, in this run").isPositive();

        // patience counts the validations in a row that improved neither: with patience 1, the first such ends the run
        List<EpochMetrics> stopped = trainByMacroF1(1, true);
        bestF1 = Double.NEGATIVE_INFINITY;
        bestLoss = Double.POSITIVE_INFINITY;
        int firstWithoutProgress = -1;
        for (int i = 0; i < stopped.size() && firstWithoutProgress < 0; i++) {
            EpochMetrics e = stopped.get(i);
            if (e.validationMacroF1() <= bestF1 && e.validationLoss() >= bestLoss) {
                firstWithoutProgress = i;
            }
            bestF1 = Math.max(bestF1, e.validationMacroF1());
            bestLoss = Math.min(bestLoss, e.validationLoss());
        }
        assertThat(stopped).hasSize(firstWithoutProgress < 0 ? 8 : firstWithoutProgress + 1);
    }

    /** Eight epochs at most, selecting by macro-F1 with the given patience, on clean or noisy labels. */
    private static List<EpochMetrics> trainByMacroF1(int patience, boolean noisy) {
        HyperParameters hp = new HyperParameters(8, 16, 0.03, 16, 16, false, 0, 0, 50, 1, 1000, 11, patience,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED,
                HyperParameters.SelectionMetric.MACRO_F1);
        List<TestCorpus.Example> train = TestCorpus.examples(120, 21);
        List<TestCorpus.Example> validation = TestCorpus.examples(60, 22);
        return new ClassifierTrainer().train(noisy ? noisy(train) : texts(train),
                noisy ? noisy(validation) : texts(validation), LABELS, hp, null, TrainingObserver.NONE, () -> false)
                .history();
    }

    @Test
    void epochFiguresComeWithTheirStandardErrors() {
        EpochMetrics last = trained.history().get(trained.history().size() - 1);
        double a = last.validationAccuracy();
        assertThat(last.validationAccuracyStandardError()).isCloseTo(Math.sqrt(a * (1 - a) / 60), within(1e-12));
        assertThat(trained.evaluation().accuracyStandardError())
                .isCloseTo(Math.sqrt(trained.evaluation().accuracy() * (1 - trained.evaluation().accuracy()) / 60), within(1e-12));
        assertThat(trained.evaluation().macroF1StandardError()).isNotNull();
    }
}
