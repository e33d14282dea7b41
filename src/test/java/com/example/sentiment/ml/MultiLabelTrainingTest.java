package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/**
 * A tiny multi-label corpus (each text may be about billing, urgent, both or neither, each told by its own
 * words) trained for real: the network ends in sigmoids, the thresholds are tuned, and several labels (or none)
 * come out.
 */
class MultiLabelTrainingTest {

    static final List<String> LABELS = List.of("billing", "urgent");
    private static final String[] BILLING = {"invoice", "refund", "charge", "payment", "bill"};
    private static final String[] URGENT = {"asap", "immediately", "now", "emergency", "quickly"};
    private static final String[] FILLER = {"the", "please", "my", "account", "hello", "team", "thanks", "about",
        "with", "question", "order", "today"};
    static TrainingResult trained;
    static Vocabulary vocabulary;
    static EncodedTexts validation;

    /** {@code n} texts with their multi-hot rows; each label present with probability 1/2, independently. */
    static Object[] corpus(int n, long seed) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>();
        float[][] targets = new float[n][2];
        int[] first = new int[n];
        for (int i = 0; i < n; i++) {
            List<String> words = new ArrayList<>();
            for (int w = 0; w < 4 + random.nextInt(4); w++) {
                words.add(FILLER[random.nextInt(FILLER.length)]);
            }
            boolean billing = random.nextBoolean();
            boolean urgent = random.nextBoolean();
            if (billing) {
                words.add(random.nextInt(words.size() + 1), BILLING[random.nextInt(BILLING.length)]);
                targets[i][0] = 1;
            }
            if (urgent) {
                words.add(random.nextInt(words.size() + 1), URGENT[random.nextInt(URGENT.length)]);
                targets[i][1] = 1;
            }
            first[i] = billing || !urgent ? 0 : 1;
            texts.add(String.join(" ", words));
        }
        return new Object[] {texts, first, targets};
    }

    @SuppressWarnings("unchecked")
    static EncodedTexts encoded(Object[] corpus, Vocabulary vocabulary) {
        EncodedTexts plain = EncodedTexts.encode(new LabelledTexts((List<String>) corpus[0], (int[]) corpus[1]),
                new Tokenizer(), vocabulary, 50);
        return new EncodedTexts(plain.sequences(), plain.labels(), (float[][]) corpus[2], true);
    }

    @SuppressWarnings("unchecked")
    @BeforeAll
    static void train() {
        Object[] train = corpus(400, 1);
        Tokenizer tokenizer = new Tokenizer();
        vocabulary = Vocabulary.build(((List<String>) train[0]).stream().map(tokenizer::tokenize).toList(), 1, 1000);
        validation = encoded(corpus(120, 2), vocabulary);
        trained = new ClassifierTrainer().train(vocabulary, encoded(train, vocabulary), validation, LABELS,
                ClassifierTrainerTest.small(8, HyperParameters.Pooling.LAST, false), null, TrainingObserver.NONE,
                () -> false);
    }

    @Test
    void theNetworkEndsInSigmoidsWithBinaryCrossEntropy() {
        TextClassifier classifier = trained.classifier();
        assertThat(classifier.multiLabel()).isTrue();
        BaseOutputLayer output = (BaseOutputLayer) classifier.networkLayer(3).conf().getLayer();
        assertThat(output.getLossFn()).isInstanceOf(LossBinaryXENT.class);
        assertThat(output.getActivationFn().toString()).containsIgnoringCase("sigmoid");
    }

    @Test
    void severalLabelsOrNoneComeOutAndTheProbabilitiesAreIndependent() {
        TextClassifier classifier = trained.classifier();
        Prediction both = classifier.classify("please refund my order immediately");
        assertThat(both.labels()).containsExactlyInAnyOrder("billing", "urgent");
        assertThat(both.scores().values().stream().mapToDouble(Double::doubleValue).sum()).isGreaterThan(1.2);
        Prediction billing = classifier.classify("hello a question about my invoice");
        assertThat(billing.labels()).containsExactly("billing");
        Prediction none = classifier.classify("hello team thanks about my account");
        assertThat(none.labels()).isEmpty();
        assertThat(none.label()).isIn(LABELS);
    }

    @Test
    void thresholdsAreTunedPerLabelAndTheFiguresAreMultiLabel() {
        double[] thresholds = trained.classifier().thresholds();
        assertThat(thresholds).hasSize(2);
        for (double t : thresholds) {
            assertThat(t).isStrictlyBetween(0.0, 1.0);
        }
        EvaluationReport report = trained.evaluation();
        assertThat(report.hasMultiLabelFigures()).isTrue();
        assertThat(report.multiLabel().thresholds()).containsExactly(thresholds[0], thresholds[1]);
        assertThat(report.multiLabel().microF1()).isGreaterThan(0.9);
        assertThat(report.multiLabel().hammingLoss()).isLessThan(0.1);
        assertThat(report.perLabel()).extracting(EvaluationReport.LabelMetrics::support)
                .allSatisfy(s -> assertThat(s).isGreaterThan(30));
        assertThat(trained.history()).isNotEmpty();
    }

    @Test
    void aSavedVersionLoadsWithItsThresholdsAndServesTheSameOnOnnxRuntime(@TempDir Path dir) throws Exception {
        TextClassifier classifier = trained.classifier();
        classifier.save(dir);
        assertThat(dir.resolve(TextClassifier.THRESHOLDS_FILE)).exists();
        TextClassifier loaded = TextClassifier.load(dir, 50);
        assertThat(loaded.multiLabel()).isTrue();
        assertThat(loaded.thresholds()).containsExactly(classifier.thresholds());
        String text = "my payment now please";
        Prediction original = classifier.classify(text);
        Prediction onnx = TextClassifier.load(dir, 50).servedBy(InferenceEngine.ONNX).classify(text);
        assertThat(TextClassifier.load(dir, 50).servedBy(InferenceEngine.ONNX).engine()).isEqualTo(InferenceEngine.ONNX);
        for (String label : LABELS) {
            assertThat(loaded.classify(text).scores().get(label)).isCloseTo(original.scores().get(label), within(1e-6));
            assertThat(onnx.scores().get(label)).isCloseTo(original.scores().get(label), within(1e-4));
        }
        assertThat(onnx.labels()).isEqualTo(original.labels());
    }

    @Test
    void anEnsembleAveragesTheSigmoidsAndTunesItsOwnThresholds() {
        HyperParameters two = new HyperParameters(6, 16, 0.01, 16, 16, false, 0.2, 0, 50, 1, 1000, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null, 0, 0, 0, 2);
        @SuppressWarnings("unchecked")
        EncodedTexts train = encoded(corpus(300, 4), vocabulary);
        TrainingResult result = new ClassifierTrainer().train(vocabulary, train, validation, LABELS, two, null,
                TrainingObserver.NONE, () -> false);
        TextClassifier ensemble = result.classifier();
        assertThat(ensemble.ensembleSize()).isEqualTo(2);
        assertThat(ensemble.multiLabel()).isTrue();
        assertThat(result.memberEvaluations()).hasSize(2)
                .allSatisfy(e -> assertThat(e.hasMultiLabelFigures()).isTrue());
        assertThat(result.evaluation().multiLabel().thresholds()).containsExactly(ensemble.thresholds()[0],
                ensemble.thresholds()[1]);
        assertThat(ensemble.classify("please refund my order immediately").labels())
                .containsExactlyInAnyOrder("billing", "urgent");
    }

    @Test
    void dl4jsOwnLstmTrainsMultiLabelToo() {
        HyperParameters dl4j = new HyperParameters(4, 16, 0.01, 16, 16, true, 0.2, 0, 50, 1, 1000, 7, 0,
                HyperParameters.Pooling.MEAN, null, false, HyperParameters.Engine.DL4J, null);
        @SuppressWarnings("unchecked")
        EncodedTexts train = encoded(corpus(300, 3), vocabulary);
        TrainingResult result = new ClassifierTrainer().train(vocabulary, train, validation, LABELS, dl4j, null,
                TrainingObserver.NONE, () -> false);
        assertThat(result.classifier().multiLabel()).isTrue();
        assertThat(result.evaluation().multiLabel().microF1()).isGreaterThan(0.8);
        Prediction p = result.classifier().classify("refund emergency");
        assertThat(p.labels()).isNotNull();
    }
}
