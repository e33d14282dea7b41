package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 26's probe graph on ONNX Runtime gives the fused path's probabilities (and the DL4J network's) to 1e-5,
 * on batches of mixed lengths, for networks on DL4J's LSTM (the bundled model's) and on the fused layer, and for
 * the bundled model itself.
 */
class OrtLstmForwardTest {

    private static final int VOCABULARY = 30;
    private static final int[] LENGTHS = {7, 1, 3, 12, 2, 7, 1, 5, 9, 4, 1, 6};

    @ParameterizedTest
    @EnumSource(HyperParameters.Engine.class)
    void equalsTheFusedPathOnTextsOfMixedLengths(HyperParameters.Engine engine) throws Exception {
        HyperParameters hp = new HyperParameters(1, 16, 0.01, 8, 16, false, 0.5, 0, 50, 1, 1000, 11, 0,
                HyperParameters.Pooling.LAST, null, false, engine, HyperParameters.SelectionMetric.ACCURACY);
        MultiLayerNetwork network = NetworkFactory.create(hp, VOCABULARY, 3, null);
        // larger weights than Xavier's, so that texts get clearly different probabilities
        network.params().muli(3);
        TextClassifier classifier = new TextClassifier(network, Vocabulary.reservedOnly(), List.of("a", "b", "c"), 50);
        Random random = new Random(5);
        int[][] sequences = new int[LENGTHS.length][];
        for (int r = 0; r < sequences.length; r++) {
            sequences[r] = random.ints(LENGTHS[r], 1, VOCABULARY).toArray();
        }
        int[] rows = IntStream.range(0, sequences.length).toArray();
        float[][] fused = classifier.fused().probabilities(sequences, rows, 0, rows.length);
        float[][] dl4j = classifier.networkProbabilities(sequences, rows, 0, rows.length);
        try (OrtLstmForward ort = new OrtLstmForward(network)) {
            float[][] onnx = ort.probabilities(sequences);
            for (int r = 0; r < rows.length; r++) {
                assertThat(onnx[r]).as("row %d against the fused path", r).containsExactly(fused[r], within(1e-5f));
                assertThat(onnx[r]).as("row %d against the network", r).containsExactly(dl4j[r], within(1e-5f));
            }
            // one text alone, as a single request sends it, reads the same
            assertThat(ort.probabilities(new int[][] {sequences[3]})[0]).containsExactly(fused[3], within(1e-5f));
        }
        double spread = java.util.Arrays.stream(fused).mapToDouble(p -> p[0]).max().orElseThrow()
                - java.util.Arrays.stream(fused).mapToDouble(p -> p[0]).min().orElseThrow();
        assertThat(spread).as("texts of different words get different probabilities").isGreaterThan(0.05);
    }

    @Test
    void theBundledModelReadsTheSameOnOnnxRuntime() throws Exception {
        Path version = Path.of("models", Files.readString(Path.of("models", "active")).trim());
        OrtLstmProbe.WordModel model = OrtLstmProbe.WordModel.load(version);
        List<String> texts = List.of("", "good", "a dull , lifeless film", "it 's a charming and often affecting journey .",
                "unflinchingly bleak and desperate", "the acting , costumes , music , cinematography and sound are all "
                        + "astounding given the production 's austere locales .", "not bad at all");
        int[][] sequences = model.ids(texts);
        int[] rows = IntStream.range(0, sequences.length).toArray();
        float[][] fused = model.classifier().fused().probabilities(sequences, rows, 0, rows.length);
        try (OrtLstmForward ort = new OrtLstmForward(model.network())) {
            float[][] onnx = ort.probabilities(sequences);
            for (int r = 0; r < rows.length; r++) {
                assertThat(onnx[r]).as(texts.get(r)).containsExactly(fused[r], within(1e-5f));
            }
        }
    }

    @Test
    void refusesAnArchitectureTheGraphDoesNotCover() {
        MultiLayerNetwork bidirectional = TinyNetworks.dl4jNetwork(true, HyperParameters.Pooling.LAST, 3);
        MultiLayerNetwork pooled = TinyNetworks.fusedNetwork(false, HyperParameters.Pooling.MAX, 3);
        assertThatThrownBy(() -> OnnxLstmGraph.of(bidirectional)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OnnxLstmGraph.of(pooled)).isInstanceOf(IllegalArgumentException.class);
    }
}
