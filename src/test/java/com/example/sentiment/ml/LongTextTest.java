package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Long texts ({@link LongText}): texts five times {@code maxSequenceLength} long whose label shows only in their last
 * window. A model that reads them in windows learns and answers them; one that truncates them reads filler only
 * and is at chance.
 */
class LongTextTest {

    static final List<String> LABELS = List.of("negative", "positive");
    static final int MAX_LENGTH = 8;
    static final int TEXT_LENGTH = 5 * MAX_LENGTH;
    static final List<String> FILLER = List.of("the", "a", "film", "story", "and", "then", "it", "was", "of", "with",
            "scene", "actor", "plot", "some", "very", "this");

    static TrainingResult chunked;
    static TrainingResult truncated;
    static LabelledTexts test;

    /** Filler words, then the label's word last: its evidence lies in the last window only. */
    static LabelledTexts corpus(int size, long seed) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>();
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            labels[i] = i % 2;
            StringBuilder text = new StringBuilder();
            for (int t = 0; t < TEXT_LENGTH - 1; t++) {
                text.append(FILLER.get(random.nextInt(FILLER.size()))).append(' ');
            }
            text.append(labels[i] == 1 ? "good" : "bad");
            texts.add(text.toString());
        }
        return new LabelledTexts(texts, labels);
    }

    static HyperParameters settings(LongText mode) {
        return new HyperParameters(6, 32, 0.01, 16, 16, false, 0, 0, MAX_LENGTH, 1, 100, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null)
                .withLongText(mode, 0);
    }

    @BeforeAll
    static void train() {
        LabelledTexts train = corpus(400, 1);
        LabelledTexts validation = corpus(100, 2);
        test = corpus(200, 3);
        chunked = new ClassifierTrainer().train(train, validation, LABELS, settings(LongText.CHUNK), null,
                TrainingObserver.NONE, () -> false);
        truncated = new ClassifierTrainer().train(train, validation, LABELS, settings(LongText.TRUNCATE), null,
                TrainingObserver.NONE, () -> false);
    }

    static double accuracy(TextClassifier classifier, LabelledTexts data) {
        List<Prediction> predictions = classifier.classify(data.texts());
        int right = 0;
        for (int i = 0; i < data.size(); i++) {
            right += predictions.get(i).label().equals(LABELS.get(data.labels()[i])) ? 1 : 0;
        }
        return right / (double) data.size();
    }

    @Test
    void readInWindowsTheModelIsRightWhereTruncatedItIsAtChance() {
        double chunk = accuracy(chunked.classifier(), test);
        double truncate = accuracy(truncated.classifier(), test);
        assertThat(chunk).as("chunk accuracy").isGreaterThanOrEqualTo(0.9);
        assertThat(truncate).as("truncate accuracy").isLessThanOrEqualTo(0.7);
        // the validation figure is the texts' (their windows' mean), as serving reads them
        assertThat(chunked.evaluation().accuracy()).isGreaterThanOrEqualTo(0.9);
        assertThat(truncated.evaluation().accuracy()).isLessThanOrEqualTo(0.7);
    }

    @Test
    void theAnswerSaysHowManyWindowsWereRead() {
        TextClassifier classifier = chunked.classifier();
        assertThat(classifier.longText()).isEqualTo(LongText.CHUNK);
        Prediction longOne = classifier.classify(test.texts().get(0));
        // 40 tokens, windows of 8 every 4: starts 0, 4, ..., 32
        assertThat(longOne.chunks()).isEqualTo(9);
        assertThat(longOne.tokens()).isEqualTo(TEXT_LENGTH);
        assertThat(longOne.truncated()).isFalse();
        Prediction shortOne = classifier.classify("the film was good");
        assertThat(shortOne.chunks()).isEqualTo(1);
        assertThat(shortOne.truncated()).isFalse();

        // the same network asked to truncate reads the first window only, and says so
        Prediction cut = classifier.reading(LongText.TRUNCATE).classify(test.texts().get(0));
        assertThat(cut.chunks()).isEqualTo(1);
        assertThat(cut.tokens()).isEqualTo(MAX_LENGTH);
        assertThat(cut.truncated()).isTrue();
        assertThat(classifier.reading(LongText.TRUNCATE)).isSameAs(classifier.reading(LongText.TRUNCATE));
        assertThat(classifier.reading(LongText.CHUNK)).isSameAs(classifier);
    }

    @Test
    void aLongTextsProbabilitiesAreTheMeanOfItsWindows() {
        TextClassifier classifier = chunked.classifier();
        List<String> tokens = classifier.tokenize(test.texts().get(1));
        List<List<String>> windows = new ArrayList<>();
        for (int start : TextWindows.starts(tokens.size(), MAX_LENGTH, MAX_LENGTH / 2)) {
            windows.add(tokens.subList(start, start + MAX_LENGTH));
        }
        List<Prediction> each = classifier.classifyTokenized(windows);
        Prediction whole = classifier.classifyTokenized(List.of(tokens)).get(0);
        for (String label : LABELS) {
            double mean = each.stream().mapToDouble(p -> p.scores().get(label)).average().orElseThrow();
            assertThat(whole.scores().get(label)).isCloseTo(mean, within(1e-5));
        }
    }

    @Test
    void anEncoderModelReadsWindowsOfPiecesBetweenItsMarkers() {
        HashedPieceEncoder encoder = new HashedPieceEncoder("hashed", 16);
        HyperParameters hp = EncoderModelTest.settings(1, HyperParameters.Engine.FUSED, false,
                HyperParameters.Pooling.LAST, 1);
        TextClassifier classifier = new TextClassifier(NetworkFactory.create(hp.withEmbeddingSize(16), 2, 2, null),
                Vocabulary.reservedOnly(), LABELS, 6, new ModelEncoder("hashed", "f", encoder))
                .readingLongText(LongText.CHUNK, 0);
        List<String> words = List.of("w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9");
        Prediction whole = classifier.classifyTokenized(List.of(words)).get(0);
        // 10 pieces, 4 a window (6 less the two markers), 2 apart: windows at 0, 2, 4, 6
        assertThat(whole.chunks()).isEqualTo(4);
        assertThat(whole.tokens()).isEqualTo(10);
        assertThat(whole.truncated()).isFalse();
        List<Prediction> each = classifier.classifyTokenized(List.of(words.subList(0, 4), words.subList(2, 6),
                words.subList(4, 8), words.subList(6, 10)));
        assertThat(each).allSatisfy(p -> assertThat(p.chunks()).isEqualTo(1));
        for (String label : LABELS) {
            double mean = each.stream().mapToDouble(p -> p.scores().get(label)).average().orElseThrow();
            assertThat(whole.scores().get(label)).isCloseTo(mean, within(1e-5));
        }
        // all of a long text's pieces, however many the encoder gives at once
        assertThat(EncoderPieces.whole(encoder, words, 6)).hasSize(12).startsWith(encoder.pieces("w0", 3)[0])
                .containsSubsequence(encoder.pieces("w0 w1 w2 w3 w4 w5 w6 w7 w8 w9", 100));
        Prediction cut = classifier.reading(LongText.TRUNCATE).classifyTokenized(List.of(words)).get(0);
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.chunks()).isEqualTo(1);
    }

    @Test
    void anEncoderModelLearnsLongTextsFromTheirWindows() {
        HashedPieceEncoder encoder = new HashedPieceEncoder("hashed", 16);
        HyperParameters hp = new HyperParameters(6, 32, 0.01, 16, 16, false, 0, 0, MAX_LENGTH, 1, 3, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED,
                HyperParameters.SelectionMetric.ACCURACY, 0, 0, 0, 1, HyperParameters.ClassWeights.NONE, "hashed")
                .withLongText(LongText.CHUNK, 0);
        TrainingResult result = new ClassifierTrainer(1, HashedPieceEncoder.lookup(encoder), () -> Long.MAX_VALUE)
                .train(corpus(300, 4), corpus(60, 5), LABELS, hp, null, TrainingObserver.NONE, () -> false);
        assertThat(result.classifier().longText()).isEqualTo(LongText.CHUNK);
        assertThat(accuracy(result.classifier(), test)).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void windowsCoverTheTextAndTheLastEndsAtItsEnd() {
        assertThat(TextWindows.starts(40, 8, 4)).containsExactly(0, 4, 8, 12, 16, 20, 24, 28, 32);
        assertThat(TextWindows.starts(10, 8, 4)).containsExactly(0, 2);
        assertThat(TextWindows.starts(8, 8, 4)).containsExactly(0);
        assertThat(TextWindows.starts(20, 8, 8)).containsExactly(0, 8, 12);
        assertThat(TextWindows.stride(8, 0)).isEqualTo(4);
        assertThat(TextWindows.stride(8, 100)).isEqualTo(8);
        // an encoder's pieces: every window between the start and end markers, 8 - 2 pieces each
        int[][] pieces = TextWindows.of(new int[] {101, 1, 2, 3, 4, 5, 6, 7, 8, 9, 102}, true, 8, 3);
        assertThat(pieces).hasNumberOfRows(2);
        assertThat(pieces[0]).containsExactly(101, 1, 2, 3, 4, 5, 6, 102);
        assertThat(pieces[1]).containsExactly(101, 4, 5, 6, 7, 8, 9, 102);
        assertThat(TextWindows.count(11, true, 8, 3)).isEqualTo(2);
    }

    @Test
    void aLongTextsWindowsWeighAsOneTextInTraining() {
        EncodedTexts texts = new EncodedTexts(new int[][] {new int[20], new int[5]}, new int[] {1, 0});
        TextWindows.Windowed windowed = TextWindows.of(texts, false, 8, 0);
        // 20 steps: windows at 0, 4, 8, 12; 5 steps: one window
        assertThat(windowed.windows().labels()).containsExactly(1, 1, 1, 1, 0);
        assertThat(windowed.textOf()).containsExactly(0, 0, 0, 0, 1);
        assertThat(windowed.weights()).containsExactly(0.25f, 0.25f, 0.25f, 0.25f, 1f);
        HyperParameters hp = settings(LongText.CHUNK);
        assertThat(TextWindows.trainingBytes(texts, hp))
                .isEqualTo(4 * (Integer.BYTES * MAX_LENGTH + TextWindows.BYTES_PER_WINDOW));
        assertThat(TextWindows.trainingBytes(texts, settings(LongText.TRUNCATE))).isZero();
    }

    @Test
    void crossValidationFoldsHoldWholeTexts() {
        EncodedTexts texts = new EncodedTexts(new int[][] {new int[20], new int[5], new int[12], new int[3]},
                new int[] {1, 0, 1, 0});
        TrainingInputs all = TrainingInputs.ofTokenIds(texts, texts, settings(LongText.CHUNK));
        // windows: 4 of text 0, 1 of text 1, 2 of text 2 (starts 0 and 4), 1 of text 3
        assertThat(all.trainWindows().textOf()).containsExactly(0, 0, 0, 0, 1, 2, 2, 3);
        assertThat(all.validationLabels()).containsExactly(1, 0, 1, 0);
        TrainingInputs.Windows of02 = all.trainWindows().restricted(all.trainWindows().rowsOf(new int[] {0, 2}),
                new int[] {0, 2});
        assertThat(of02.textOf()).containsExactly(0, 0, 0, 0, 1, 1);
        assertThat(of02.textLabels()).containsExactly(1, 1);
        assertThat(of02.weights()).containsExactly(0.25f, 0.25f, 0.25f, 0.25f, 0.5f, 0.5f);

        StratifiedFolds folds = StratifiedFolds.of(texts.labels(), 2, 2, 3);
        for (int f = 0; f < 2; f++) {
            int fold = f;
            TrainingInputs trained = folds.trainedOn(fold, all);
            java.util.Set<Integer> heldOut = new java.util.HashSet<>();
            for (int t : folds.heldOut(fold)) {
                heldOut.add(t);
            }
            // every window of a text trained on, none of a held-out text
            assertThat(trained.trainFeatures().size()).isEqualTo(trained.train().size())
                    .isEqualTo(all.trainWindows().rowsOf(folds.trainedOn(fold)).length);
            for (int t : trained.trainWindows().textOf()) {
                assertThat(heldOut).doesNotContain(folds.trainedOn(fold)[t]);
            }
        }
    }

    @Test
    void aWindowsWeightScalesItsLossAndGradient() {
        // as trainOne builds it for weighted rows: the loss with (uniform) class weights
        MultiLayerNetwork network = NetworkFactory.create(settings(LongText.CHUNK), 30, 2, null,
                NetworkFactory.uniformClassWeights(2));
        TokenIds features = new TokenIds(new int[][] {{2, 3, 4}, {5, 6, 7, 8}});
        int[] rows = {0, 1};
        int[] labels = {0, 1};
        DataSet plain = SequenceBatch.dataSet(features, labels, null, 2, rows, 0, 2);
        DataSet halved = SequenceBatch.dataSet(features, labels, null, new float[] {0.5f, 0.5f}, 2, rows, 0, 2);
        DataSet firstOnly = SequenceBatch.dataSet(features, labels, null, new float[] {1f, 0f}, 2, rows, 0, 2);
        DataSet first = SequenceBatch.dataSet(features, labels, null, 2, new int[] {0}, 0, 1);
        double full = network.score(plain, false);
        assertThat(full).isPositive();
        assertThat(network.score(halved, false)).isCloseTo(full / 2, within(1e-5));
        // the mean over the batch: an example of weight 1 and one of 0 count half of the first's loss alone
        assertThat(network.score(firstOnly, false)).isCloseTo(network.score(first, false) / 2, within(1e-5));
        INDArray gradient = gradient(network, plain);
        INDArray halvedGradient = gradient(network, halved);
        assertThat(gradient.norm2Number().doubleValue()).isPositive();
        assertThat(halvedGradient.sub(gradient.mul(0.5)).norm2Number().doubleValue())
                .isLessThan(1e-5 * gradient.norm2Number().doubleValue() + 1e-7);
    }

    private static INDArray gradient(MultiLayerNetwork network, DataSet data) {
        network.setInput(data.getFeatures());
        network.setLabels(data.getLabels());
        network.setLayerMaskArrays(data.getFeaturesMaskArray(), null);
        network.computeGradientAndScore();
        return network.gradient().gradient().dup();
    }
}
