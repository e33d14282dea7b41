package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.example.sentiment.TinyModel;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The serving path through libnd4j's fused lstmLayer op gives the network's probabilities, for padded batches
 * of mixed lengths, for every architecture: in double precision on tiny networks (|diff| < 1e-9), and on a
 * trained float model.
 */
class FusedLstmForwardTest {

    @BeforeAll
    static void doublePrecision() {
        TinyNetworks.useDoublePrecision();
    }

    @AfterAll
    static void restorePrecision() {
        TinyNetworks.restorePrecision();
    }

    static Stream<Arguments> architectures() {
        return Stream.of(true, false).flatMap(fused -> Stream.of(false, true).flatMap(bidirectional ->
                Stream.of(HyperParameters.Pooling.values())
                        // DL4J's own layers have no final-states-plus-max summary
                        .filter(pooling -> fused || pooling != HyperParameters.Pooling.LAST_MAX)
                        .map(pooling -> Arguments.of(fused, bidirectional, pooling))));
    }

    @ParameterizedTest(name = "fused layer {0}, bidirectional {1}, {2}")
    @MethodSource("architectures")
    void equalsTheNetworkInDoublePrecision(boolean fusedLayer, boolean bidirectional, HyperParameters.Pooling pooling) {
        MultiLayerNetwork network = fusedLayer ? TinyNetworks.fusedNetwork(bidirectional, pooling, 3)
                : TinyNetworks.dl4jNetwork(bidirectional, pooling, 3);
        DataSet batch = TinyNetworks.batch(4);
        double[][] expected = network.output(batch.getFeatures(), false, batch.getFeaturesMaskArray(), null).toDoubleMatrix();
        FusedLstmForward fused = FusedLstmForward.of(network).orElseThrow();
        int[][] sequences = TinyNetworks.sequences(batch);
        int[] rows = {0, 1, 2, 3, 4};
        double[][] actual = fused.probabilitiesAtFullPrecision(sequences, rows, 0, rows.length);
        for (int r = 0; r < rows.length; r++) {
            assertThat(actual[r]).containsExactly(expected[r], within(1e-9));
        }
        // a sub-range of a shuffled order answers for exactly those rows
        int[] shuffled = {3, 0, 4, 1, 2};
        double[][] part = fused.probabilitiesAtFullPrecision(sequences, shuffled, 1, 4);
        for (int r = 0; r < 3; r++) {
            assertThat(part[r]).containsExactly(expected[shuffled[1 + r]], within(1e-9));
        }

        // lengths spread so widely that the time axis is split into segments, the states carried across
        for (int[] lengths : new int[][] {SPREAD_LENGTHS, LARGE_BATCH_LENGTHS}) {
            DataSet spread = TinyNetworks.batch(9, lengths);
            double[][] whole = network.output(spread.getFeatures(), false, spread.getFeaturesMaskArray(), null)
                    .toDoubleMatrix();
            int[] all = java.util.stream.IntStream.range(0, lengths.length).toArray();
            double[][] segmented = fused.probabilitiesAtFullPrecision(TinyNetworks.sequences(spread, lengths), all, 0,
                    all.length);
            for (int r = 0; r < all.length; r++) {
                assertThat(segmented[r]).as("%d texts, row %d", lengths.length, r).containsExactly(whole[r], within(1e-9));
            }
        }
    }

    @ParameterizedTest(name = "fused layer {0}, bidirectional {1}, {2}")
    @MethodSource("architectures")
    void readsAnEncodersStatesAsTheNetworkDoes(boolean fusedLayer, boolean bidirectional, HyperParameters.Pooling pooling) {
        int dimension = 6;
        TextClassifier classifier = TinyNetworks.encoderClassifier(fusedLayer, bidirectional, pooling, dimension);
        assertThat(classifier.fused()).isNotNull();
        Random random = new Random(3);
        StepVectors features = TinyNetworks.randomStates(LARGE_BATCH_LENGTHS, dimension, random);
        int[] rows = random.ints(0, features.size()).distinct().limit(features.size()).toArray();
        for (int[] range : List.of(new int[] {0, rows.length}, new int[] {3, 11})) {
            float[][] fused = classifier.fused().probabilities(features, rows, range[0], range[1]);
            float[][] dl4j = classifier.networkProbabilities(features, rows, range[0], range[1]);
            assertThat(fused.length).isEqualTo(range[1] - range[0]);
            for (int r = 0; r < fused.length; r++) {
                assertThat(fused[r]).containsExactly(dl4j[r], within(1e-5f));
            }
        }
        float[][] all = classifier.networkProbabilities(features, rows, 0, rows.length);
        assertThat(java.util.Arrays.stream(all).mapToDouble(p -> p[0]).max().orElseThrow()
                - java.util.Arrays.stream(all).mapToDouble(p -> p[0]).min().orElseThrow())
                .as("texts of different states get different probabilities").isGreaterThan(0.05);
    }

    private static final int[] SPREAD_LENGTHS = {14, 1, 2, 1, 3, 9, 1, 2, 1, 1, 13, 1};
    private static final int[] LARGE_BATCH_LENGTHS = {14, 1, 2, 1, 3, 9, 1, 2, 1, 1, 13, 1, 5, 7, 2, 1, 11, 3, 1, 4};

    @ParameterizedTest(name = "fused layer {0}, {1}")
    @MethodSource("bidirectionalArchitectures")
    void theBackwardDirectionOnTheSpareCoreGivesTheSameProbabilities(boolean fusedLayer, HyperParameters.Pooling pooling) {
        MultiLayerNetwork network = fusedLayer ? TinyNetworks.fusedNetwork(true, pooling, 3)
                : TinyNetworks.dl4jNetwork(true, pooling, 3);
        FusedLstmForward fused = FusedLstmForward.of(network).orElseThrow();
        // a pass large enough to lend its backward direction, of lengths spread enough to run in segments
        int[] lengths = java.util.stream.IntStream.range(0, FusedLstmForward.MIN_TEXTS_TO_LEND)
                .map(i -> LARGE_BATCH_LENGTHS[i % LARGE_BATCH_LENGTHS.length]).toArray();
        DataSet spread = TinyNetworks.batch(9, lengths);
        int[][] sequences = TinyNetworks.sequences(spread, lengths);
        int[] all = java.util.stream.IntStream.range(0, lengths.length).toArray();
        double[][] alone = fused.probabilitiesAtFullPrecision(sequences, all, 0, all.length);
        long lentBefore = SpareCore.lentCount();
        SpareCore.cores(2);
        try {
            for (int round = 0; round < 3; round++) {
                double[][] shared = fused.probabilitiesAtFullPrecision(sequences, all, 0, all.length);
                for (int r = 0; r < all.length; r++) {
                    assertThat(shared[r]).containsExactly(alone[r], within(1e-12));
                }
            }
        } finally {
            SpareCore.cores(1);
        }
        assertThat(SpareCore.lentCount()).as("each pass lent its backward direction").isEqualTo(lentBefore + 3);
        // a smaller pass keeps both directions on its caller
        SpareCore.cores(2);
        try {
            fused.probabilitiesAtFullPrecision(sequences, all, 0, all.length - 1);
        } finally {
            SpareCore.cores(1);
        }
        assertThat(SpareCore.lentCount()).isEqualTo(lentBefore + 3);
    }

    /** Stacked fused layers: one or both directions, every pooling. */
    static Stream<Arguments> stackedArchitectures() {
        return Stream.of(false, true).flatMap(bidirectional -> Stream.of(HyperParameters.Pooling.values())
                .map(pooling -> Arguments.of(bidirectional, pooling)));
    }

    @ParameterizedTest(name = "bidirectional {0}, {1}")
    @MethodSource("stackedArchitectures")
    void stackedLayersGiveTheNetworksProbabilities(boolean bidirectional, HyperParameters.Pooling pooling) {
        MultiLayerNetwork network = TinyNetworks.fusedNetwork(bidirectional, pooling, 3, 2);
        FusedLstmForward fused = FusedLstmForward.of(network).orElseThrow();
        // texts of mixed lengths, in segments, and a pass large enough to lend its backward directions
        int[] large = java.util.stream.IntStream.range(0, FusedLstmForward.MIN_TEXTS_TO_LEND)
                .map(i -> LARGE_BATCH_LENGTHS[i % LARGE_BATCH_LENGTHS.length]).toArray();
        SpareCore.cores(2);
        try {
            for (int[] lengths : new int[][] {TinyNetworks.LENGTHS, SPREAD_LENGTHS, large}) {
                DataSet batch = TinyNetworks.batch(9, lengths);
                double[][] expected = network.output(batch.getFeatures(), false, batch.getFeaturesMaskArray(), null)
                        .toDoubleMatrix();
                int[] all = java.util.stream.IntStream.range(0, lengths.length).toArray();
                double[][] actual = fused.probabilitiesAtFullPrecision(TinyNetworks.sequences(batch, lengths), all, 0,
                        all.length);
                for (int r = 0; r < all.length; r++) {
                    assertThat(actual[r]).as("%d texts, row %d", lengths.length, r).containsExactly(expected[r],
                            within(1e-9));
                }
            }
        } finally {
            SpareCore.cores(1);
        }
    }

    static Stream<Arguments> bidirectionalArchitectures() {
        return architectures().filter(a -> (boolean) a.get()[1]).map(a -> Arguments.of(a.get()[0], a.get()[2]));
    }

    @Test
    void splitsTheTimeAxisOnlyWhereTheStepsSavedPayForAnotherCall() {
        assertThat(FusedLstmForward.segments(new int[] {14, 13, 9, 3, 2, 2, 1, 1, 1, 1, 1, 1}))
                .as("the batch the equality test runs in segments").hasSizeGreaterThan(2);
        assertThat(FusedLstmForward.segments(new int[] {40, 5, 5, 5, 5, 5, 5, 5})).containsExactly(
                new FusedLstmForward.Segment(0, 5, 8), new FusedLstmForward.Segment(5, 40, 1));
        // equal lengths, or lengths too close to matter: one call
        assertThat(FusedLstmForward.segments(new int[] {20, 20, 20})).containsExactly(new FusedLstmForward.Segment(0, 20, 3));
        assertThat(FusedLstmForward.segments(new int[] {6, 4, 3, 2, 1})).hasSize(1);
    }

    @Test
    void givesTheTrainedModelsProbabilities() {
        TextClassifier classifier = TinyModel.train(120, 2);
        assertThat(classifier.fused()).as("the default architecture has a fused path").isNotNull();
        Random random = new Random(5);
        int[][] sequences = new int[40][];
        for (int i = 0; i < sequences.length; i++) {
            sequences[i] = random.ints(1 + random.nextInt(30), 0, classifier.vocabularySize()).toArray();
        }
        int[] rows = random.ints(0, sequences.length).distinct().limit(sequences.length).toArray();
        for (int[] range : List.of(new int[] {0, 1}, new int[] {0, 40}, new int[] {7, 23})) {
            float[][] fused = classifier.fused().probabilities(sequences, rows, range[0], range[1]);
            float[][] network = classifier.networkProbabilities(sequences, rows, range[0], range[1]);
            assertThat(fused.length).isEqualTo(range[1] - range[0]);
            for (int r = 0; r < fused.length; r++) {
                assertThat(fused[r]).containsExactly(network[r], within(1e-6f));
            }
        }
    }
}
