package com.example.sentiment.ml;

import static com.example.sentiment.ml.TinyNetworks.*;

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


    // DL4J's gate blocks [block input, forget, output, input gate] as the fused layer's [input, forget, output, cell]
    private static final int[] GATE_ORDER = {3, 1, 2, 0};

    @BeforeAll
    static void doublePrecision() {
        TinyNetworks.useDoublePrecision();
    }

    @AfterAll
    static void restorePrecision() {
        TinyNetworks.restorePrecision();
    }

    @ParameterizedTest
    @EnumSource(value = HyperParameters.Pooling.class, names = {"LAST", "MAX", "MEAN"})
    void forwardDirectionEqualsDl4jLstm(HyperParameters.Pooling pooling) {
        assertEqualToDl4j(false, pooling);
    }

    @ParameterizedTest
    @EnumSource(value = HyperParameters.Pooling.class, names = {"MAX", "MEAN"})
    void bothDirectionsEqualDl4jBidirectional(HyperParameters.Pooling pooling) {
        assertEqualToDl4j(true, pooling);
    }

    @ParameterizedTest
    @EnumSource(value = HyperParameters.Pooling.class, names = {"LAST", "MAX"})
    void twoStackedLayersEqualDl4jsStackedLstms(HyperParameters.Pooling pooling) {
        assertEqualToDl4j(false, pooling, 2);
    }

    @Test
    void threeStackedLayersInBothDirectionsEqualDl4jsStackedBidirectionalLstmsOnTextsOfOneLength() {
        // each lower layer hands the next its backward outputs at their text positions, as DL4J's Bidirectional
        // does; DL4J reverses the whole padded batch, whose padding then reaches an upper layer's backward
        // direction first, so texts of one length compare (mixed lengths: ONNX Runtime's LSTM, OnnxForwardTest)
        assertEqualToDl4j(true, HyperParameters.Pooling.MEAN, 3, new int[] {WIDTH, WIDTH, WIDTH});
    }

    @Test
    void stackedLayersWithFinalStatesPlusMaxHaveExactGradients() {
        // DL4J has no such summary (nor the backward direction's final state): finite differences check it
        MultiLayerNetwork stacked = fusedNetwork(true, HyperParameters.Pooling.LAST_MAX, 17, 2);
        assertThat(stacked.getParam("1_l1bW").shape()).as("the second layer reads both directions of the first")
                .containsExactly(2L * UNITS, 4L * UNITS);
        assertThat(gradientCheck(stacked, batch(5))).as("analytic gradients equal finite differences").isTrue();
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
    void finalStatesPlusMaxIsTheConcatenationOfItsPartsWithExactGradients() {
        // DL4J has no such summary: its parts are checked above, so the concatenation is checked against them
        MultiLayerNetwork both = fusedNetwork(true, HyperParameters.Pooling.LAST_MAX, 13);
        DataSet batch = batch(3);
        INDArray[] parts = new INDArray[2];
        int i = 0;
        for (HyperParameters.Pooling part : HyperParameters.Pooling.LAST_MAX.parts()) {
            MultiLayerNetwork one = fusedNetwork(true, part, 13);
            for (String key : new String[] {"0_W", "1_W", "1_RW", "1_b", "1_bW", "1_bRW", "1_bb"}) {
                one.setParam(key, both.getParam(key));
            }
            one.setLayerMaskArrays(batch.getFeaturesMaskArray(), null);
            parts[i++] = one.feedForwardToLayer(1, batch.getFeatures(), false).get(2);
        }
        both.setLayerMaskArrays(batch.getFeaturesMaskArray(), null);
        INDArray summary = both.feedForwardToLayer(1, batch.getFeatures(), false).get(2);
        both.clearLayerMaskArrays();
        assertThat(summary.size(1)).isEqualTo(4 * TinyNetworks.UNITS);
        assertThat(maxAbsDifference(summary, Nd4j.hstack(parts))).isEqualTo(0.0);
        assertThat(gradientCheck(both, batch)).as("analytic gradients equal finite differences").isTrue();
    }

    @ParameterizedTest(name = "{0} layers")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    void savedAndRestoredNetworkTrainsOnIdentically(int stacked) throws Exception {
        MultiLayerNetwork original = fusedNetwork(true, HyperParameters.Pooling.MAX, RESTORE_SEED, stacked);
        original.fit(batch(1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(original, bytes, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertThat(restored.getLayer(1)).isInstanceOf(FusedLstmLayer.class);
        assertThat(((FusedLstm) restored.getLayer(1).conf().getLayer()).getLayers()).isEqualTo(stacked);
        assertThat(restored.params()).isEqualTo(original.params());
        for (int step = 0; step < 3; step++) {
            DataSet batch = batch(10 + step);
            original.fit(batch);
            restored.fit(batch);
        }
        assertThat(maxAbsDifference(restored.params(), original.params())).isEqualTo(0.0);
        assertThat(maxAbsDifference(restored.params(), fusedNetwork(true, HyperParameters.Pooling.MAX, RESTORE_SEED, stacked).params()))
                .as("training changed the weights").isGreaterThan(1e-4);
    }

    private static void assertEqualToDl4j(boolean bidirectional, HyperParameters.Pooling pooling) {
        assertEqualToDl4j(bidirectional, pooling, 1);
    }

    private static void assertEqualToDl4j(boolean bidirectional, HyperParameters.Pooling pooling, int stacked) {
        assertEqualToDl4j(bidirectional, pooling, stacked, LENGTHS);
    }

    private static void assertEqualToDl4j(boolean bidirectional, HyperParameters.Pooling pooling, int stacked,
                                          int[] lengths) {
        MultiLayerNetwork reference = dl4jNetwork(bidirectional, pooling, 7, stacked);
        MultiLayerNetwork fused = fusedNetwork(bidirectional, pooling, 8, stacked);
        copyWeights(reference, fused, bidirectional, stacked);
        DataSet batch = batch(2, lengths);

        INDArray expected = reference.output(batch.getFeatures(), false, batch.getFeaturesMaskArray(), null);
        INDArray actual = fused.output(batch.getFeatures(), false, batch.getFeaturesMaskArray(), null);
        assertThat(maxAbsDifference(actual, expected)).as("probabilities").isLessThan(1e-9);

        Map<String, INDArray> referenceGradients = gradients(reference, batch);
        Map<String, INDArray> fusedGradients = gradients(fused, batch);
        int last = reference.getnLayers() - 1;
        assertRelativelyEqual(fusedGradients.get("0_W"), referenceGradients.get("0_W"), "embedding");
        assertRelativelyEqual(fusedGradients.get("2_W"), referenceGradients.get(last + "_W"), "output weights");
        assertRelativelyEqual(fusedGradients.get("2_b"), referenceGradients.get(last + "_b"), "output bias");
        for (int l = 0; l < stacked; l++) {
          for (String[] direction : directions(bidirectional)) {
            String from = (1 + l) + "_" + direction[0];
            String to = "1_" + FusedLstmParams.layerPrefix(l) + direction[1];
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
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8)
                // a sample of each parameter array keeps the check to seconds
                .subset(true).maxPerParam(12).print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
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

    private static void copyWeights(MultiLayerNetwork reference, MultiLayerNetwork fused, boolean bidirectional,
                                    int stacked) {
        fused.setParam("0_W", reference.getParam("0_W"));
        int last = reference.getnLayers() - 1;
        fused.setParam("2_W", reference.getParam(last + "_W"));
        fused.setParam("2_b", reference.getParam(last + "_b"));
        // fused layer l's weights are those of the reference's layer 1 + l
        for (int l = 0; l < stacked; l++) {
            for (String[] direction : directions(bidirectional)) {
                String from = (1 + l) + "_" + direction[0];
                String to = "1_" + FusedLstmParams.layerPrefix(l) + direction[1];
                fused.setParam(to + "W", reorder(reference.getParam(from + "W")));
                fused.setParam(to + "RW", reorder(reference.getParam(from + "RW")));
                fused.setParam(to + "b", reorder(reference.getParam(from + "b").reshape(1, 4 * UNITS)).reshape(4 * UNITS));
            }
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
