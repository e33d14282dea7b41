package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The forward pass on ONNX Runtime gives the DL4J network's probabilities to 1e-5 (float), on batches of mixed
 * lengths, for every architecture the service trains (the fused layer and DL4J's LSTM, one and both directions,
 * every pooling), reading word ids or an encoder's states, for ensembles, and for the bundled model.
 */
class OnnxForwardTest {

    private static final int[] LENGTHS = {7, 1, 3, 12, 2, 7, 1, 5, 9, 4, 1, 6};

    @BeforeAll
    static void doublePrecision() {
        TinyNetworks.useDoublePrecision();
    }

    @AfterAll
    static void restorePrecision() {
        TinyNetworks.restorePrecision();
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> architectures() {
        return FusedLstmForwardTest.architectures();
    }

    @ParameterizedTest(name = "fused layer {0}, bidirectional {1}, {2}")
    @MethodSource("architectures")
    void equalsTheNetworkOnTextsOfMixedLengths(boolean fusedLayer, boolean bidirectional, HyperParameters.Pooling pooling)
            throws Exception {
        MultiLayerNetwork network = fusedLayer ? TinyNetworks.fusedNetwork(bidirectional, pooling, 3)
                : TinyNetworks.dl4jNetwork(bidirectional, pooling, 3);
        // larger weights than Xavier's, so that texts get clearly different probabilities; zero biases stay 0
        // (DL4J's Bidirectional reads a shorter text's padding first: with a cell-input bias of 0 that keeps
        // the state at 0, as reading within the text's length does)
        network.params().muli(3);
        assertEqualsTheNetworkOnTextsOfMixedLengths(network);
    }

    @ParameterizedTest(name = "fused layer {0}, bidirectional {1}, {2}")
    @MethodSource("architectures")
    void readsAnEncodersStatesAsTheNetworkDoes(boolean fusedLayer, boolean bidirectional, HyperParameters.Pooling pooling) {
        int dimension = 6;
        TextClassifier classifier = TinyNetworks.encoderClassifier(fusedLayer, bidirectional, pooling, dimension);
        TextClassifier served = classifier.servedBy(InferenceEngine.ONNX);
        assertThat(served.engine()).isEqualTo(InferenceEngine.ONNX);
        StepVectors features = TinyNetworks.randomStates(LENGTHS, dimension, new Random(3));
        int[] rows = {3, 0, 11, 4, 1, 2, 8, 10, 5, 9, 6, 7};
        for (int[] range : List.of(new int[] {0, rows.length}, new int[] {3, 8})) {
            float[][] onnx = served.onnx().probabilities(features, rows, range[0], range[1]);
            float[][] dl4j = classifier.networkProbabilities(features, rows, range[0], range[1]);
            assertThat(onnx.length).isEqualTo(range[1] - range[0]);
            for (int r = 0; r < onnx.length; r++) {
                assertThat(onnx[r]).as("row %d", r).containsExactly(dl4j[r], within(1e-5f));
            }
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> stackedArchitectures() {
        return FusedLstmForwardTest.stackedArchitectures();
    }

    @ParameterizedTest(name = "bidirectional {0}, {1}")
    @MethodSource("stackedArchitectures")
    void stackedLayersEqualTheNetworkOnTextsOfMixedLengths(boolean bidirectional, HyperParameters.Pooling pooling)
            throws Exception {
        MultiLayerNetwork network = TinyNetworks.fusedNetwork(bidirectional, pooling, 3, 2);
        network.params().muli(3);
        // ONNX Runtime's LSTM reads each text within its length, its backward direction too, at every layer
        assertEqualsTheNetworkOnTextsOfMixedLengths(network);
    }

    @ParameterizedTest(name = "fused layer {0}, bidirectional {1}, {2}")
    @MethodSource("ensembleArchitectures")
    void averagesAnEnsemblesMembersInOneGraph(boolean fusedLayer, boolean bidirectional, HyperParameters.Pooling pooling) {
        List<TextClassifier> members = IntStream.of(3, 4, 5).mapToObj(seed -> {
            MultiLayerNetwork network = fusedLayer ? TinyNetworks.fusedNetwork(bidirectional, pooling, seed)
                    : TinyNetworks.dl4jNetwork(bidirectional, pooling, seed);
            network.params().muli(3);
            return new TextClassifier(network, Vocabulary.reservedOnly(), List.of("a", "b", "c"), 50);
        }).toList();
        TextClassifier ensemble = TextClassifier.ensemble(members).servedBy(InferenceEngine.ONNX);
        assertThat(ensemble.engine()).isEqualTo(InferenceEngine.ONNX);
        int[][] sequences = TinyNetworks.sequences(TinyNetworks.batch(9, LENGTHS), LENGTHS);
        TokenIds ids = new TokenIds(sequences);
        int[] rows = IntStream.range(0, LENGTHS.length).toArray();
        float[][] onnx = ensemble.probabilities(ids, rows, 0, rows.length);
        double[][] mean = new double[rows.length][TinyNetworks.CLASSES];
        for (TextClassifier member : members) {
            float[][] own = member.networkProbabilities(sequences, rows, 0, rows.length);
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < TinyNetworks.CLASSES; c++) {
                    mean[r][c] += own[r][c] / members.size();
                }
            }
        }
        assertClose(onnx, mean, rows, 0);
        // and the members do differ: the mean is not any one of them
        float[][] first = members.get(0).networkProbabilities(sequences, rows, 0, rows.length);
        assertThat(IntStream.range(0, rows.length).mapToDouble(r -> Math.abs(first[r][0] - mean[r][0])).max()
                .orElseThrow()).isGreaterThan(1e-3);
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> ensembleArchitectures() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(true, true, HyperParameters.Pooling.LAST_MAX),
                org.junit.jupiter.params.provider.Arguments.of(false, true, HyperParameters.Pooling.LAST),
                org.junit.jupiter.params.provider.Arguments.of(true, false, HyperParameters.Pooling.MEAN));
    }

    /** The active seed and the first default, which is still bundled and may be named by a request. */
    static java.util.stream.Stream<String> bundledWordVectorModels() throws java.io.IOException {
        return java.util.stream.Stream.of(Files.readString(Path.of("models", "active")).trim(), "20261129-130908-d56a")
                .distinct();
    }

    @ParameterizedTest
    @MethodSource("bundledWordVectorModels")
    void theBundledModelClassifiesAsOnTheFusedPath(String id) throws Exception {
        Path version = Path.of("models", id);
        TextClassifier fused = TextClassifier.load(version, 100);
        assertThat(fused.engine()).as("until told otherwise").isEqualTo(InferenceEngine.FUSED);
        TextClassifier onnx = TextClassifier.load(version, 100);
        assertThat(onnx.servedBy(InferenceEngine.ONNX)).isSameAs(onnx);
        assertThat(onnx.engine()).isEqualTo(InferenceEngine.ONNX);
        assertClassifyAlike(fused, onnx);
        // and back to the fused path
        assertThat(onnx.servedBy(InferenceEngine.FUSED).engine()).isEqualTo(InferenceEngine.FUSED);
        assertThat(onnx.onnx()).isNull();
    }

    @Test
    void theBundledEncoderModelClassifiesAsOnTheFusedPath() throws Exception {
        // e5-small's states into a trained bidirectional LSTM with last+max pooling
        Path version = Path.of("models", "sst2-encoder");
        try (EncoderCatalogue encoders = new EncoderCatalogue(null)) {
            TextClassifier fused = TextClassifier.load(version, 100, encoders);
            TextClassifier onnx = TextClassifier.load(version, 100, encoders).servedBy(InferenceEngine.ONNX);
            assertThat(onnx.engine()).isEqualTo(InferenceEngine.ONNX);
            assertClassifyAlike(fused, onnx);
        }
    }

    private static void assertClassifyAlike(TextClassifier fused, TextClassifier onnx) {
        List<String> texts = List.of("", "good", "a dull , lifeless film", "it 's a charming and often affecting journey .",
                "unflinchingly bleak and desperate", "the acting , costumes , music , cinematography and sound are all "
                        + "astounding given the production 's austere locales .", "not bad at all");
        List<Prediction> expected = fused.classify(texts);
        List<Prediction> actual = onnx.classify(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(actual.get(i).label()).as(texts.get(i)).isEqualTo(expected.get(i).label());
            for (String label : fused.labels()) {
                assertThat(actual.get(i).scores().get(label)).as(texts.get(i))
                        .isCloseTo(expected.get(i).scores().get(label), within(1e-5));
            }
        }
        assertThat(expected.stream().map(Prediction::label).distinct().count()).as("the texts get different labels")
                .isGreaterThan(1);
    }

    @Test
    void anArchitectureTheGraphDoesNotCoverKeepsItsPasses() {
        // a dense hidden layer after the last step: no network the service trains has one
        MultiLayerNetwork dense = new MultiLayerNetwork(TinyNetworks.base(3)
                .layer(new EmbeddingSequenceLayer.Builder().nIn(TinyNetworks.VOCABULARY).nOut(TinyNetworks.EMBEDDING)
                        .build())
                .layer(new LastTimeStep(new LSTM.Builder().nIn(TinyNetworks.EMBEDDING).nOut(TinyNetworks.UNITS)
                        .activation(Activation.TANH).build()))
                .layer(new DenseLayer.Builder().nIn(TinyNetworks.UNITS).nOut(4).activation(Activation.RELU).build())
                .layer(TinyNetworks.output(4))
                .build());
        dense.init();
        assertThatThrownBy(() -> OnnxClassifierGraph.of(List.of(dense))).isInstanceOf(IllegalArgumentException.class);
        TextClassifier classifier = new TextClassifier(dense, Vocabulary.reservedOnly(), List.of("a", "b", "c"), 50);
        TextClassifier served = classifier.servedBy(InferenceEngine.ONNX);
        assertThat(served).isSameAs(classifier);
        assertThat(served.onnx()).isNull();
        // and it still classifies, through the network
        assertThat(served.classify("a b").scores()).hasSize(3);
    }

    /** Row {@code r} of {@code actual} is text {@code order[from + r]} of {@code expected}. */
    private static void assertEqualsTheNetworkOnTextsOfMixedLengths(MultiLayerNetwork network) throws Exception {
        DataSet batch = TinyNetworks.batch(9, LENGTHS);
        double[][] expected = network.output(batch.getFeatures(), false, batch.getFeaturesMaskArray(), null)
                .toDoubleMatrix();
        TokenIds ids = new TokenIds(TinyNetworks.sequences(batch, LENGTHS));
        OnnxForward onnx = new OnnxForward(List.of(network));
        int[] rows = IntStream.range(0, LENGTHS.length).toArray();
        assertClose(onnx.probabilities(ids, rows, 0, rows.length), expected, rows, 0);
        // a sub-range of a shuffled order answers for exactly those rows, in that order
        int[] shuffled = {3, 0, 11, 4, 1, 2, 8, 10, 5, 9, 6, 7};
        assertClose(onnx.probabilities(ids, shuffled, 2, 9), expected, shuffled, 2);
        // one text alone reads as it does among others
        assertClose(onnx.probabilities(ids, rows, 3, 4), expected, rows, 3);
        assertSpread(expected);
    }

    private static void assertClose(float[][] actual, double[][] expected, int[] order, int from) {
        for (int r = 0; r < actual.length; r++) {
            double[] want = expected[order[from + r]];
            assertThat(actual[r]).hasSize(want.length);
            for (int c = 0; c < want.length; c++) {
                assertThat((double) actual[r][c]).as("text %d, class %d", order[from + r], c)
                        .isCloseTo(want[c], within(1e-5));
            }
        }
    }

    private static void assertSpread(double[][] probabilities) {
        double spread = Arrays.stream(probabilities).mapToDouble(p -> p[0]).max().orElseThrow()
                - Arrays.stream(probabilities).mapToDouble(p -> p[0]).min().orElseThrow();
        assertThat(spread).as("texts of different words get different probabilities").isGreaterThan(0.01);
    }
}
