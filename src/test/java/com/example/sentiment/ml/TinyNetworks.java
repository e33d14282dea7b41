package com.example.sentiment.ml;

import java.util.List;
import java.util.Random;
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
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Tiny double-precision networks of every architecture the service builds (the fused layer, and DL4J's own
 * LSTM in its three summaries, in one or two directions), and end-padded batches of mixed lengths for them.
 */
final class TinyNetworks {

    static final int VOCABULARY = 20;
    static final int EMBEDDING = 5;
    static final int UNITS = 4;
    static final int CLASSES = 3;
    static final int[] LENGTHS = {1, 3, 6, 4, 2};
    static final int WIDTH = 6;
    static final long RESTORE_SEED = 5;

    private static DataType[] defaultTypes;

    private TinyNetworks() {
    }

    /** DL4J's LastTimeStep builds its output in the default type, which would round a reference to float. */
    static void useDoublePrecision() {
        defaultTypes = new DataType[] {Nd4j.dataType(), Nd4j.defaultFloatingPointType()};
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    static void restorePrecision() {
        Nd4j.setDefaultDataTypes(defaultTypes[0], defaultTypes[1]);
    }

    /**
     * A classifier over {@code dimension}-wide states of the hashed test encoder, with its network's weights three
     * times their initial values, so that the texts' probabilities differ clearly; the biases of the cell input
     * stay 0 as initialised: DL4J's own Bidirectional layer reverses the whole padded batch, so its backward
     * direction reads a shorter text's padding first, which leaves the state at 0 only then.
     */
    static TextClassifier encoderClassifier(boolean fusedLayer, boolean bidirectional, HyperParameters.Pooling pooling,
                                            int dimension) {
        HyperParameters hp = EncoderModelTest.settings(1, fusedLayer ? HyperParameters.Engine.FUSED
                : HyperParameters.Engine.DL4J, bidirectional, pooling, 1).withEmbeddingSize(dimension);
        MultiLayerNetwork network = NetworkFactory.create(hp, 2, CLASSES, null);
        network.params().muli(3);
        return new TextClassifier(network, Vocabulary.reservedOnly(), List.of("a", "b", "c"), 50,
                new ModelEncoder("hashed", "f", new HashedPieceEncoder("hashed", dimension)));
    }

    /** States of texts of the given lengths, each value a standard normal draw of {@code random}. */
    static StepVectors randomStates(int[] lengths, int dimension, Random random) {
        float[][][] states = new float[lengths.length][][];
        for (int i = 0; i < states.length; i++) {
            states[i] = new float[lengths[i]][dimension];
            for (float[] step : states[i]) {
                for (int d = 0; d < dimension; d++) {
                    step[d] = (float) random.nextGaussian();
                }
            }
        }
        return StepVectors.of(states, dimension);
    }

    /** Texts of mixed lengths, end-padded with token 0 and masked; no real token is 0. */
    static DataSet batch(long seed) {
        return batch(seed, LENGTHS);
    }

    /** A padded batch of texts with these lengths, as wide as the longest. */
    static DataSet batch(long seed, int[] lengths) {
        Random random = new Random(seed);
        int width = java.util.Arrays.stream(lengths).max().orElse(1);
        INDArray features = Nd4j.zeros(DataType.DOUBLE, lengths.length, width);
        INDArray mask = Nd4j.zeros(DataType.DOUBLE, lengths.length, width);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, lengths.length, CLASSES);
        for (int r = 0; r < lengths.length; r++) {
            for (int t = 0; t < lengths[r]; t++) {
                features.putScalar(r, t, 1 + random.nextInt(VOCABULARY - 1));
                mask.putScalar(r, t, 1.0);
            }
            labels.putScalar(r, random.nextInt(CLASSES), 1.0);
        }
        return new DataSet(features, labels, mask, null);
    }

    static NeuralNetConfiguration.ListBuilder base(long seed) {
        // Adam trains (the save-and-restore case); DL4J's gradient check wants no updater, and ignores this one
        IUpdater updater = seed == RESTORE_SEED ? new Adam(0.05) : new NoOp();
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE)
                .updater(updater).weightInit(WeightInit.XAVIER).list();
    }

    static MultiLayerNetwork dl4jNetwork(boolean bidirectional, HyperParameters.Pooling pooling, long seed) {
        return dl4jNetwork(bidirectional, pooling, seed, 1);
    }

    /** The same with {@code stacked} LSTM layers (in both directions each when bidirectional), layers 1 to stacked. */
    static MultiLayerNetwork dl4jNetwork(boolean bidirectional, HyperParameters.Pooling pooling, long seed, int stacked) {
        NeuralNetConfiguration.ListBuilder layers = base(seed)
                .layer(new EmbeddingSequenceLayer.Builder().nIn(VOCABULARY).nOut(EMBEDDING).build());
        int width = (bidirectional ? 2 : 1) * UNITS;
        for (int l = 0; l < stacked - 1; l++) {
            layers.layer(dl4jLstm(l == 0 ? EMBEDDING : width, bidirectional));
        }
        Layer lstm = dl4jLstm(stacked == 1 ? EMBEDDING : width, bidirectional);
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

    private static Layer dl4jLstm(int nIn, boolean bidirectional) {
        Layer lstm = new LSTM.Builder().nIn(nIn).nOut(UNITS).activation(Activation.TANH).build();
        return bidirectional ? new Bidirectional(Bidirectional.Mode.CONCAT, lstm) : lstm;
    }

    static MultiLayerNetwork fusedNetwork(boolean bidirectional, HyperParameters.Pooling pooling, long seed) {
        return fusedNetwork(bidirectional, pooling, seed, 1);
    }

    /** The same with {@code stacked} layers in its fused LSTM (layer 1). */
    static MultiLayerNetwork fusedNetwork(boolean bidirectional, HyperParameters.Pooling pooling, long seed, int stacked) {
        FusedLstm.Builder lstm = new FusedLstm.Builder().bidirectional(bidirectional).layers(stacked)
                .poolings(pooling.parts());
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

    static OutputLayer output(long nIn) {
        return new OutputLayer.Builder(LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(nIn).nOut(CLASSES).build();
    }

    /** The batch's texts as token-id sequences without padding. */
    static int[][] sequences(DataSet batch) {
        return sequences(batch, LENGTHS);
    }

    static int[][] sequences(DataSet batch, int[] lengths) {
        int[][] out = new int[lengths.length][];
        for (int r = 0; r < lengths.length; r++) {
            out[r] = new int[lengths[r]];
            for (int t = 0; t < lengths[r]; t++) {
                out[r][t] = batch.getFeatures().getInt(r, t);
            }
        }
        return out;
    }
}
