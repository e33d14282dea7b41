package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The runtime side of {@link FusedLstm}: forward through {@link FusedLstmPass}, which it keeps for the
 * backward pass (one fused forward and one fused backward op per direction and minibatch), with the
 * sequence mask consumed here so that the layers after it see plain vectors.
 */
final class FusedLstmLayer extends BaseLayer<FusedLstm> {

    private FusedLstmPass pass;

    FusedLstmLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = input.castTo(dataType);
        if (x.rank() != 3) {
            throw new IllegalStateException("FusedLstm expects [n, T, E] input, got " + java.util.Arrays.toString(x.shape()));
        }
        if (!training) {
            return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS,
                    new FusedLstmPass(weights(), layerConf().getPoolings(), x, lengths(x)).summary());
        }
        // the pass is kept for the backward pass: in the activations workspace, which DL4J keeps open until the
        // iteration's backward pass is done and then reuses, so that no native memory is allocated per minibatch
        // (detached arrays would wait for the garbage collector: the resident size grew by 5 MB/s in the soak)
        try (MemoryWorkspace ignored = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATIONS)) {
            pass = new FusedLstmPass(weights(), layerConf().getPoolings(), x, lengths(x));
            return pass.summary();
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (pass == null) {
            activate(true, workspaceMgr);
        }
        FusedLstmPass.Gradients g = pass.backward(epsilon);
        pass = null;
        Gradient gradient = new DefaultGradient();
        List<String> keys = FusedLstmParams.INSTANCE.paramKeys(layerConf());
        for (int d = 0; d < g.weights().size(); d++) {
            FusedLstmPass.Weights w = g.weights().get(d);
            INDArray[] parts = {w.input(), w.recurrent(), w.bias()};
            for (int p = 0; p < 3; p++) {
                String key = keys.get(3 * d + p);
                INDArray view = gradientViews.get(key);
                view.assign(parts[p]);
                gradient.gradientForVariable().put(key, view);
            }
        }
        INDArray inputGradient = workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, g.input());
        return new Pair<>(gradient, backpropDropOutIfPresent(inputGradient));
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
        setMaskArray(maskArray);
        return new Pair<>(null, currentMaskState); // the summary has no time axis left to mask
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
    }

    /** Each stacked layer's directions' weights, in the order of the parameter keys. */
    private List<List<FusedLstmPass.Weights>> weights() {
        List<List<FusedLstmPass.Weights>> layers = new ArrayList<>();
        for (int l = 0; l < layerConf().getLayers(); l++) {
            List<FusedLstmPass.Weights> directions = new ArrayList<>();
            for (String prefix : FusedLstmParams.prefixes(layerConf(), l)) {
                directions.add(new FusedLstmPass.Weights(getParam(prefix + FusedLstmParams.INPUT_WEIGHTS),
                        getParam(prefix + FusedLstmParams.RECURRENT_WEIGHTS), getParam(prefix + FusedLstmParams.BIAS)));
            }
            layers.add(directions);
        }
        return layers;
    }

    private int[] lengths(INDArray x) {
        int n = (int) x.size(0);
        int width = (int) x.size(1);
        int[] lengths = new int[n];
        if (maskArray == null) {
            java.util.Arrays.fill(lengths, width);
            return lengths;
        }
        float[][] mask = maskArray.castTo(DataType.FLOAT).toFloatMatrix();
        for (int r = 0; r < n; r++) {
            int length = 0;
            for (float m : mask[r]) {
                length += m > 0 ? 1 : 0;
            }
            lengths[r] = Math.max(1, length);
        }
        return lengths;
    }
}
