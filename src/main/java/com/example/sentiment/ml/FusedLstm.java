package com.example.sentiment.ml;

import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of the fused LSTM layer: a one- or two-direction LSTM over an embedded (or encoded), end-padded
 * and masked sequence {@code [n, T, E]} that outputs a summary {@code [n, S]} of each text's real steps. With
 * {@code layers} above 1 the LSTMs are stacked: each lower layer's outputs at every step (both directions side by
 * side, each at its text's position) are the next one's input, and only the top layer is summarised. The
 * whole sequence is one layer call ({@link FusedLstmPass}, {@link LstmRecurrence}: the input projection and the weight
 * gradients as single matrix products) instead of DL4J's per-time-step {@code LSTM} layer; served through
 * libnd4j's fused {@code lstmLayer} op ({@link FusedLstmForward}).
 *
 * <p>It sits in a {@code MultiLayerNetwork} like any DL4J layer, so early stopping, the updater, gradient
 * clipping, dropout on its input and the model serializer work unchanged. {@code nOut} is the LSTM's units;
 * the summary has {@code units x directions x poolings} columns.
 */
final class FusedLstm extends FeedForwardLayer {

    private boolean bidirectional;
    // 1 in configurations saved before layers could be stacked, which have no such property
    private int layers = 1;
    private List<HyperParameters.Pooling> poolings = List.of(HyperParameters.Pooling.LAST);
    private double forgetGateBiasInit = 1.0;

    // for Jackson, which restores saved configurations
    private FusedLstm() {
    }

    private FusedLstm(Builder builder) {
        super(builder);
        this.bidirectional = builder.bidirectional;
        this.layers = builder.layers;
        this.poolings = List.copyOf(builder.poolings);
    }

    // bean accessors: DL4J's Jackson mapper writes and reads a layer configuration through them

    public boolean isBidirectional() {
        return bidirectional;
    }

    public void setBidirectional(boolean bidirectional) {
        this.bidirectional = bidirectional;
    }

    public int getLayers() {
        return layers;
    }

    public void setLayers(int layers) {
        this.layers = Math.max(1, layers);
    }

    /** The input width of stacked layer {@code layer}: the embedding's for the first, the layer below's outputs after it. */
    long layerInputSize(int layer) {
        return layer == 0 ? nIn : nOut * (bidirectional ? 2 : 1);
    }

    public List<HyperParameters.Pooling> getPoolings() {
        return poolings;
    }

    public void setPoolings(List<HyperParameters.Pooling> poolings) {
        this.poolings = List.copyOf(poolings);
    }

    public double getForgetGateBiasInit() {
        return forgetGateBiasInit;
    }

    public void setForgetGateBiasInit(double forgetGateBiasInit) {
        this.forgetGateBiasInit = forgetGateBiasInit;
    }

    long summarySize() {
        return SequenceSummary.size(nOut, bidirectional ? 2 : 1, poolings);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        FusedLstmLayer layer = new FusedLstmLayer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer().init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return FusedLstmParams.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(summarySize());
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null; // reads the embedding layer's [n, T, E] output as it is
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(layerName, FusedLstm.class, inputType, getOutputType(-1, inputType))
                .standardMemory(params, (long) getIUpdater().stateSize(params))
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    /** Builds a {@link FusedLstm}; {@code nIn} is the embedding size, {@code nOut} the units of each layer and direction. */
    static final class Builder extends FeedForwardLayer.Builder<Builder> {
        private boolean bidirectional;
        private int layers = 1;
        private List<HyperParameters.Pooling> poolings = List.of(HyperParameters.Pooling.LAST);

        Builder bidirectional(boolean value) {
            this.bidirectional = value;
            return this;
        }

        /** Stacked LSTM layers, at least 1. */
        Builder layers(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("a fused LSTM has at least one layer, not " + value);
            }
            this.layers = value;
            return this;
        }

        Builder poolings(List<HyperParameters.Pooling> value) {
            this.poolings = value;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public FusedLstm build() {
            return new FusedLstm(this);
        }
    }
}
