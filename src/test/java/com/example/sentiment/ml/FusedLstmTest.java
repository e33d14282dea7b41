package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The fused LSTM layer computes what DL4J's own {@code LSTM} layer computes: in double precision on a tiny
 * model, with end-padded texts of mixed lengths, the same probabilities and the same gradient for every
 * parameter, for both directions and every pooling; where DL4J has no equivalent (the backward direction's
 * final state), the gradients match finite differences.
 */
class FusedLstmTest {

    private static final int VOCABULARY = 20;
    private static final int EMBEDDING = 5;
    private static final int UNITS = 4;
    private static final int CLASSES = 3;
    private static final int[] LENGTHS = {1, 3, 6, 4, 2};
    private static final int WIDTH = 6;
    // DL4J's gate blocks [block input, forget, output, input gate] as the fused layer's [input, forget, output, cell]
    private static final int[] GATE_ORDER = {3, 1, 2, 0};
    private static final long RESTORE_SEED = 5;

    private static DataType[] defaultTypes;

    @BeforeAll
    static void doublePrecisionEverywhere() {
        // DL4J's LastTimeStep builds its output in the default type, which would round the reference to float
        defaultTypes = new DataType[] {Nd4j.dataType(), Nd4j.defaultFloatingPointType()};
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restoreDefaultTypes() {
        Nd4j.setDefaultDataTypes(defaultTypes[0], defaultTypes[1]);
    }

    @ParameterizedTest
    @EnumSource(HyperParameters.Pooling.class)
    void forwardDirectionEqualsDl4jLstm(HyperParameters.Pooling pooling) {
        assertEqualToDl4j(false, pooling);
    }

    @ParameterizedTest
    @EnumSource(value = HyperParameters.Pooling.class, names = {"MAX", "MEAN"})
    void bothDirectionsEqualDl4jBidirectional(HyperParameters.Pooling pooling) {
        assertEqualToDl4j(true, pooling);
    }

    @Test
    void backwardFinalStateMatchesDl4jOnReversedTextsAndFiniteDifferences() {
        MultiLayerNetwork fused = fusedNetwork(true, HyperParameters.Pooling.LAST, 11);
        DataSet batch = batch(3);
        // DL4J's reference for the backward direction: a forward LSTM with those weights over each text reversed
        MultiLayerNetwork forwardRef = dl4jNetwork(false, HyperParameters.Pooling.LAST, 11);
        MultiLayerNetwork backwardRef = dl4jNetwork(false, HyperParameters.Pooling.LAST, 11);
        copyDirection(fused, "", forwardRef);
        copyDirection(fused, "b", backwardRef);
        INDArray forwardLast = lastStates(forwardRef, batch.getFeatures(), batch.getFeaturesMaskArray());
        INDArray backwardLast = lastStates(backwardRef, reversed(batch.getFeatures()), batch.getFeaturesMaskArray());
        INDArray summary = Nd4j.hstack(forwardLast, backwardLast);
        INDArray expected = softmax(summary.mmul(fused.getParam("2_W")).addiRowVector(fused.getParam("2_b")));
        INDArray actual = fused.output(batch.getFeatures(), false, batch.getFeaturesMaskArray(), null);
        assertThat(maxAbsDifference(actual, expected)).isLessThan(1e-9);

        assertThat(gradientCheck(fused, batch)).as("analytic gradients equal finite differences").isTrue();
    }

    @Test
    void savedAndRestoredNetworkTrainsOnIdentically() throws Exception {
        MultiLayerNetwork original = fusedNetwork(true, HyperParameters.Pooling.MAX, RESTORE_SEED);
        original.fit(batch(1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(original, bytes, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertThat(restored.getLayer(1)).isInstanceOf(FusedLstmLayer.class);
        assertThat(restored.params()).isEqualTo(original.params());
        for (int step = 0; step < 3; step++) {
            DataSet batch = batch(10 + step);
            original.fit(batch);
            restored.fit(batch);
        }
        assertThat(maxAbsDifference(restored.params(), original.params())).isEqualTo(0.0);
        assertThat(maxAbsDifference(restored.params(), fusedNetwork(true, HyperParameters.Pooling.MAX, RESTORE_SEED).params()))
                .as("training changed the weights").isGreaterThan(1e-4);
    }

    private static void assertEqualToDl4j(boolean bidirectional, HyperParameters.Pooling pooling) {
        MultiLayerNetwork reference = dl4jNetwork(bidirectional, pooling, 7);
        MultiLayerNetwork fused = fusedNetwork(bidirectional, pooling, 8);
        copyWeights(reference, fused, bidirectional);
        DataSet batch = batch(2);

        INDArray expected = reference.output(batch.getFeatures(), false, batch.getFeaturesMaskArray(), null);
        INDArray actual = fused.output(batch.getFeatures(), false, batch.getFeaturesMaskArray(), null);
        assertThat(maxAbsDifference(actual, expected)).as("probabilities").isLessThan(1e-9);

        Map<String, INDArray> referenceGradients = gradients(reference, batch);
        Map<String, INDArray> fusedGradients = gradients(fused, batch);
        int last = reference.getnLayers() - 1;
        assertRelativelyEqual(fusedGradients.get("0_W"), referenceGradients.get("0_W"), "embedding");
        assertRelativelyEqual(fusedGradients.get("2_W"), referenceGradients.get(last + "_W"), "output weights");
        assertRelativelyEqual(fusedGradients.get("2_b"), referenceGradients.get(last + "_b"), "output bias");
        for (String[] direction : directions(bidirectional)) {
            String from = "1_" + direction[0];
            String to = "1_" + direction[1];
            assertRelativelyEqual(fusedGradients.get(to + "W"), reorder(referenceGradients.get(from + "W")), to + "W");
            assertRelativelyEqual(fusedGradients.get(to + "RW"), reorder(referenceGradients.get(from + "RW")), to + "RW");
            if (!direction[1].isEmpty()) {
                // DL4J's Bidirectional runs its backward LSTM over the padding first, and lets those masked steps
                // add to its bias gradient although they cannot change the loss; finite differences (below)
                // check this bias instead
                continue;
            }
            assertRelativelyEqual(fusedGradients.get(to + "b"), reorder(referenceGradients.get(from + "b").reshape(1, 4 * UNITS)).reshape(4 * UNITS), to + "b");
        }
        if (bidirectional) {
            assertThat(gradientCheck(fused, batch)).as("analytic gradients equal finite differences").isTrue();
        }
        INDArray embeddingGradient = fusedGradients.get("0_W");
        assertThat(embeddingGradient.getRow(0).norm2Number().doubleValue())
                .as("the padding token, used only as padding, gets no gradient").isEqualTo(0.0);
    }

    private static boolean gradientCheck(MultiLayerNetwork network, DataSet batch) {
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(network)
                .input(batch.getFeatures()).labels(batch.getLabels()).inputMask(batch.getFeaturesMaskArray())
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8).print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    }

    private static String[][] directions(boolean bidirectional) {
        return bidirectional ? new String[][] {{"f", ""}, {"b", "b"}} : new String[][] {{"", ""}};
    }

    private static Map<String, INDArray> gradients(MultiLayerNetwork network, DataSet batch) {
        network.setInput(batch.getFeatures());
        network.setLabels(batch.getLabels());
        network.setLayerMaskArrays(batch.getFeaturesMaskArray(), null);
        network.computeGradientAndScore();
        Map<String, INDArray> out = new java.util.HashMap<>();
        network.gradient().gradientForVariable().forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    private static void copyWeights(MultiLayerNetwork reference, MultiLayerNetwork fused, boolean bidirectional) {
        fused.setParam("0_W", reference.getParam("0_W"));
        int last = reference.getnLayers() - 1;
        fused.setParam("2_W", reference.getParam(last + "_W"));
        fused.setParam("2_b", reference.getParam(last + "_b"));
        for (String[] direction : directions(bidirectional)) {
            fused.setParam("1_" + direction[1] + "W", reorder(reference.getParam("1_" + direction[0] + "W")));
            fused.setParam("1_" + direction[1] + "RW", reorder(reference.getParam("1_" + direction[0] + "RW")));
            fused.setParam("1_" + direction[1] + "b",
                    reorder(reference.getParam("1_" + direction[0] + "b").reshape(1, 4 * UNITS)).reshape(4 * UNITS));
        }
    }

    /** One direction of a fused network into a one-direction DL4J network (gate order back to DL4J's). */
    private static void copyDirection(MultiLayerNetwork fused, String prefix, MultiLayerNetwork reference) {
        reference.setParam("0_W", fused.getParam("0_W"));
        reference.setParam("1_W", unreorder(fused.getParam("1_" + prefix + "W")));
        reference.setParam("1_RW", unreorder(fused.getParam("1_" + prefix + "RW")));
        reference.setParam("1_b", unreorder(fused.getParam("1_" + prefix + "b").reshape(1, 4 * UNITS)).reshape(1, 4 * UNITS));
    }

    private static INDArray reorder(INDArray dl4jBlocks) {
        INDArray[] parts = new INDArray[4];
        for (int k = 0; k < 4; k++) {
            parts[k] = dl4jBlocks.get(NDArrayIndex.all(), NDArrayIndex.interval(GATE_ORDER[k] * UNITS, (GATE_ORDER[k] + 1) * UNITS));
        }
        return Nd4j.hstack(parts);
    }

    private static INDArray unreorder(INDArray fusedBlocks) {
        INDArray[] parts = new INDArray[4];
        for (int k = 0; k < 4; k++) {
            parts[GATE_ORDER[k]] = fusedBlocks.get(NDArrayIndex.all(), NDArrayIndex.interval(k * UNITS, (k + 1) * UNITS));
        }
        return Nd4j.hstack(parts);
    }

    private static INDArray lastStates(MultiLayerNetwork oneDirection, INDArray features, INDArray mask) {
        List<INDArray> activations = oneDirection.feedForward(features, mask, null);
        return activations.get(2).castTo(DataType.DOUBLE); // after the embedding and LastTimeStep(LSTM)
    }

    private static INDArray reversed(INDArray features) {
        INDArray out = features.dup();
        for (int r = 0; r < LENGTHS.length; r++) {
            for (int t = 0; t < LENGTHS[r]; t++) {
                out.putScalar(r, t, features.getDouble(r, LENGTHS[r] - 1 - t));
            }
        }
        return out;
    }

    private static INDArray softmax(INDArray logits) {
        return org.nd4j.linalg.ops.transforms.Transforms.softmax(logits, true);
    }

    /** Texts of mixed lengths, end-padded with token 0 and masked; no real token is 0. */
    private static DataSet batch(long seed) {
        Random random = new Random(seed);
        INDArray features = Nd4j.zeros(DataType.DOUBLE, LENGTHS.length, WIDTH);
        INDArray mask = Nd4j.zeros(DataType.DOUBLE, LENGTHS.length, WIDTH);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, LENGTHS.length, CLASSES);
        for (int r = 0; r < LENGTHS.length; r++) {
            for (int t = 0; t < LENGTHS[r]; t++) {
                features.putScalar(r, t, 1 + random.nextInt(VOCABULARY - 1));
                mask.putScalar(r, t, 1.0);
            }
            labels.putScalar(r, random.nextInt(CLASSES), 1.0);
        }
        return new DataSet(features, labels, mask, null);
    }

    private static NeuralNetConfiguration.ListBuilder base(long seed) {
        // Adam trains (the save-and-restore case); DL4J's gradient check wants no updater, and ignores this one
        IUpdater updater = seed == RESTORE_SEED ? new Adam(0.05) : new NoOp();
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE)
                .updater(updater).weightInit(WeightInit.XAVIER).list();
    }

    private static MultiLayerNetwork dl4jNetwork(boolean bidirectional, HyperParameters.Pooling pooling, long seed) {
        NeuralNetConfiguration.ListBuilder layers = base(seed)
                .layer(new EmbeddingSequenceLayer.Builder().nIn(VOCABULARY).nOut(EMBEDDING).build());
        Layer lstm = new LSTM.Builder().nIn(EMBEDDING).nOut(UNITS).activation(Activation.TANH).build();
        if (bidirectional) {
            lstm = new Bidirectional(Bidirectional.Mode.CONCAT, lstm);
        }
        switch (pooling) {
            case LAST -> layers.layer(new LastTimeStep(lstm));
            case MAX -> layers.layer(lstm).layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build());
            case MEAN -> layers.layer(lstm).layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build());
        }
        layers.layer(output((bidirectional ? 2 : 1) * UNITS));
        MultiLayerNetwork network = new MultiLayerNetwork(layers.build());
        network.init();
        return network;
    }

    private static MultiLayerNetwork fusedNetwork(boolean bidirectional, HyperParameters.Pooling pooling, long seed) {
        FusedLstm.Builder lstm = new FusedLstm.Builder().bidirectional(bidirectional).poolings(List.of(pooling));
        lstm.nIn(EMBEDDING).nOut(UNITS);
        FusedLstm layer = lstm.build();
        MultiLayerNetwork network = new MultiLayerNetwork(base(seed)
                .layer(new EmbeddingSequenceLayer.Builder().nIn(VOCABULARY).nOut(EMBEDDING)
                        .outputDataFormat(RNNFormat.NWC).build())
                .layer(layer)
                .layer(output(layer.summarySize()))
                .build());
        network.init();
        return network;
    }

    private static OutputLayer output(long nIn) {
        return new OutputLayer.Builder(LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(nIn).nOut(CLASSES).build();
    }

    private static void assertRelativelyEqual(INDArray actual, INDArray expected, String what) {
        assertThat(actual).as(what + " gradient present").isNotNull();
        double scale = Math.max(expected.norm2Number().doubleValue(), 1e-12);
        double error = actual.reshape(expected.shape()).sub(expected).norm2Number().doubleValue() / scale;
        assertThat(error).as(what + " gradient relative error").isLessThan(1e-6);
        assertThat(expected.norm2Number().doubleValue()).as(what + " gradient is not trivially zero").isGreaterThan(0.0);
    }

    private static double maxAbsDifference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }
}
