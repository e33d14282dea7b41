package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The shape of a network the service trains, read from its configuration, for the forward passes that run
 * outside DL4J ({@link FusedLstmForward}, {@link OnnxClassifierGraph}): an embedding of word ids (or an
 * encoder's states read as they are), an LSTM in one or both directions (the {@link FusedLstm} layer, one or
 * several stacked, or
 * DL4J's own {@code LSTM}, in {@code LastTimeStep} or followed by global max or mean pooling, with or without
 * {@code Bidirectional}), a summary of each text's real steps, dropout (nothing at inference) and a softmax
 * output layer (or, for a multi-label network, one sigmoid per label).
 *
 * @param recurrentLayer index of the LSTM layer: 1 after an embedding, 0 when it reads an encoder's states
 * @param directions parameter-name prefixes of the first LSTM layer's forward (and backward) direction's
 *     {@code W}, {@code RW}, {@code b}
 * @param layers stacked LSTM layers (1 but for the {@link FusedLstm} layer): a lower layer's outputs at every
 *     step, its directions side by side, are the next one's input, and the top layer is summarised
 * @param gateBlocks where each gate ({@link #INPUT}, {@link #FORGET}, {@link #CELL}, {@link #OUTPUT}) sits
 *     among the four blocks of the layer's {@code 4H} columns
 * @param units the LSTM's units per direction
 * @param poolings the summary's parts, in order; each holds one block of {@code units} per direction
 * @param backwardLastIsFirstStep for DL4J's {@code LastTimeStep(Bidirectional)}: the backward direction's "last"
 *     output is the one at the text's last position, after reading only its last token, instead of its final
 *     state
 * @param outputLayer index of the softmax output layer
 */
record LstmArchitecture(int recurrentLayer, List<String> directions, int layers, int[] gateBlocks, long units,
                        List<HyperParameters.Pooling> poolings, boolean backwardLastIsFirstStep, int outputLayer) {

    static final int INPUT = 0;
    static final int FORGET = 1;
    static final int CELL = 2;
    static final int OUTPUT = 3;

    // DL4J's LSTM keeps its gate blocks as [cell (block input), forget, output, input]
    private static final int[] DL4J_BLOCKS = {3, 1, 0, 2};
    // the fused layer as [input, forget, output, cell] (FusedLstmParams)
    private static final int[] FUSED_BLOCKS = {0, 1, 3, 2};

    /**
     * Whether {@code network} ends in one sigmoid per label (a multi-label network, trained with binary
     * cross-entropy) rather than a softmax over the labels.
     */
    static boolean endsInSigmoids(MultiLayerNetwork network) {
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        return conf.getConf(network.getnLayers() - 1).getLayer() instanceof OutputLayer output
                && output.getActivationFn() instanceof ActivationSigmoid;
    }

    /** The architecture of {@code network}, or empty when it is not one described above. */
    static Optional<LstmArchitecture> of(MultiLayerNetwork network) {
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        int layers = network.getnLayers();
        // the LSTM follows the embedding layer, or is the first layer when it reads an encoder's states
        int first = conf.getConf(0).getLayer() instanceof EmbeddingSequenceLayer ? 1 : 0;
        if (layers < first + 2 || !(conf.getConf(layers - 1).getLayer() instanceof OutputLayer output)
                || !(output.getActivationFn() instanceof ActivationSoftmax
                        || output.getActivationFn() instanceof ActivationSigmoid)) {
            return Optional.empty();
        }
        Layer recurrent = conf.getConf(first).getLayer();
        int next = first + 1;
        Optional<LstmArchitecture> architecture;
        if (recurrent instanceof FusedLstm lstm) {
            List<String> prefixes = new ArrayList<>();
            for (String direction : FusedLstmParams.prefixes(lstm, 0)) {
                prefixes.add(first + "_" + direction);
            }
            architecture = Optional.of(new LstmArchitecture(first, prefixes, lstm.getLayers(), FUSED_BLOCKS, lstm.getNOut(),
                    lstm.getPoolings(), false, layers - 1));
        } else if (recurrent instanceof LastTimeStep last) {
            architecture = dl4j(network, first, last.getUnderlying(), HyperParameters.Pooling.LAST, true);
        } else if (layers > first + 2 && conf.getConf(first + 1).getLayer() instanceof GlobalPoolingLayer pool
                && pool.isCollapseDimensions()
                && (pool.getPoolingType() == PoolingType.MAX || pool.getPoolingType() == PoolingType.AVG)) {
            next = first + 2;
            architecture = dl4j(network, first, recurrent, pool.getPoolingType() == PoolingType.MAX
                    ? HyperParameters.Pooling.MAX : HyperParameters.Pooling.MEAN, false);
        } else {
            return Optional.empty();
        }
        for (int i = next; i < layers - 1; i++) {
            // only dropout may sit between the summary and the output: it does nothing at inference
            if (!(conf.getConf(i).getLayer() instanceof DropoutLayer)) {
                return Optional.empty();
            }
        }
        return architecture;
    }

    /** A network on DL4J's own LSTM (layer {@code index}), in one direction or in both (concatenated). */
    private static Optional<LstmArchitecture> dl4j(MultiLayerNetwork network, int index, Layer recurrent,
                                                   HyperParameters.Pooling pooling, boolean lastTimeStep) {
        List<String> prefixes;
        Layer cell = recurrent;
        if (recurrent instanceof Bidirectional bi && bi.getMode() == Bidirectional.Mode.CONCAT) {
            prefixes = List.of(index + "_f", index + "_b");
            cell = bi.getFwd();
        } else {
            prefixes = List.of(index + "_");
        }
        if (!(cell instanceof LSTM lstm) || !(lstm.getActivationFn() instanceof ActivationTanH)
                || !(lstm.getGateActivationFn() instanceof ActivationSigmoid)
                || network.getParam(prefixes.get(0) + "W") == null) {
            return Optional.empty();
        }
        // DL4J's LastTimeStep over Bidirectional reads the backward output at the text's last position
        return Optional.of(new LstmArchitecture(index, prefixes, 1, DL4J_BLOCKS, lstm.getNOut(), List.of(pooling),
                lastTimeStep && prefixes.size() > 1, network.getnLayers() - 1));
    }

    /** True when the LSTM reads word ids through an embedding layer (layer 0, parameter {@code 0_W}). */
    boolean readsWordIds() {
        return recurrentLayer > 0;
    }

    boolean bidirectional() {
        return directions.size() > 1;
    }

    /** Width of the summary the output layer reads. */
    long summarySize() {
        return SequenceSummary.size(units, directions.size(), poolings);
    }

    /**
     * Stacked layer {@code layer}'s direction {@code direction}'s weights (input {@code [E, 4H]}, recurrent
     * {@code [H, 4H]}, bias {@code [4H]}) with their gate blocks in {@code gateOrder}, a permutation of
     * {@link #INPUT}, {@link #FORGET}, {@link #CELL}, {@link #OUTPUT}: the order the reader wants.
     */
    FusedLstmPass.Weights weights(MultiLayerNetwork network, int layer, int direction, int... gateOrder) {
        String prefix = layer == 0 ? directions.get(direction)
                : directions.get(direction).replaceFirst("_", "_" + FusedLstmParams.layerPrefix(layer));
        int[] from = new int[4];
        for (int k = 0; k < 4; k++) {
            from[k] = gateBlocks[gateOrder[k]];
        }
        return new FusedLstmPass.Weights(reorderGates(network.getParam(prefix + "W"), from),
                reorderGates(network.getParam(prefix + "RW"), from),
                reorderGates(network.getParam(prefix + "b").reshape(1, 4 * units), from).reshape(4 * units));
    }

    private INDArray reorderGates(INDArray blocks, int[] from) {
        INDArray[] parts = new INDArray[4];
        for (int k = 0; k < 4; k++) {
            parts[k] = blocks.get(NDArrayIndex.all(), NDArrayIndex.interval(from[k] * units, (from[k] + 1) * units));
        }
        return Nd4j.hstack(parts).dup('c');
    }
}
