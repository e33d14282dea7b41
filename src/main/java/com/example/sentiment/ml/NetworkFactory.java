package com.example.sentiment.ml;

import java.util.List;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
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
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Builds the many-to-one LSTM: token ids, embedding (or, with an encoder, the encoder's states in its place),
 * LSTM (one or several stacked), a summary of the real (masked) steps, dropout, softmax over the labels; cross-entropy loss and Adam.
 * The LSTM is the {@link FusedLstm} layer, or DL4J's own {@code LSTM} when the settings ask for that engine.
 */
final class NetworkFactory {

    private NetworkFactory() {
    }

    static MultiLayerNetwork create(HyperParameters hp, int vocabularySize, int classes, INDArray embeddingWeights) {
        return create(hp, vocabularySize, classes, embeddingWeights, null);
    }

    /**
     * @param classWeights each label's weight in the loss, or null for all alike (see
     *     {@link #balancedClassWeights})
     */
    static MultiLayerNetwork create(HyperParameters hp, int vocabularySize, int classes, INDArray embeddingWeights,
                                    double[] classWeights) {
        return create(hp, vocabularySize, classes, embeddingWeights, classWeights, false);
    }

    /**
     * @param multiLabel end in one sigmoid per label with binary cross-entropy (DL4J's {@code XENT}), for texts
     *     that may have several labels, instead of a softmax over them; class weights then do not apply
     */
    static MultiLayerNetwork create(HyperParameters hp, int vocabularySize, int classes, INDArray embeddingWeights,
                                    double[] classWeights, boolean multiLabel) {
        return create(hp, vocabularySize, classes, embeddingWeights, classWeights, multiLabel, false);
    }

    /**
     * @param logits end in a linear output trained on the mean squared error against its targets (a student
     *     learning its teacher's logits, {@link HyperParameters.DistillationLoss#LOGITS}) instead of a softmax;
     *     {@link #withSoftmax} turns the trained network into the one a version stores
     */
    static MultiLayerNetwork create(HyperParameters hp, int vocabularySize, int classes, INDArray embeddingWeights,
                                    double[] classWeights, boolean multiLabel, boolean logits) {
        boolean fused = hp.engine() != HyperParameters.Engine.DL4J;
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(hp.seed())
                .dataType(DataType.FLOAT)
                .updater(new Adam(hp.learningRate()))
                .weightInit(WeightInit.XAVIER)
                .gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
                .gradientNormalizationThreshold(1.0)
                // DL4J applies weight decay after the updater: decoupled from Adam's moments, as in AdamW
                .weightDecay(hp.weightDecay())
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .list();
        // with an encoder, its states are the LSTM's input as they are: [n, T, E] for the fused layer
        if (!hp.usesEncoder()) {
            EmbeddingSequenceLayer.Builder embedding = new EmbeddingSequenceLayer.Builder()
                    .nIn(vocabularySize).nOut(hp.embeddingSize());
            if (embeddingWeights != null && hp.freezeEmbeddings()) {
                embedding.updater(new NoOp());
            }
            if (fused) {
                // the fused layer reads [n, T, E], the layout lstmLayer wants, so nothing is permuted per batch
                embedding.outputDataFormat(RNNFormat.NWC);
            }
            layers.layer(embedding.build());
        }
        long summarySize = fused ? fusedLstm(hp, layers) : dl4jLstm(hp, layers);
        if (hp.dropout() > 0) {
            // DL4J's argument is the probability of keeping a unit
            layers.layer(new DropoutLayer.Builder(1.0 - hp.dropout()).build());
        }
        if (multiLabel) {
            layers.layer(new OutputLayer.Builder(LossFunction.XENT).activation(Activation.SIGMOID)
                    .nIn(summarySize).nOut(classes).build());
        } else if (logits) {
            layers.layer(new OutputLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY)
                    .nIn(summarySize).nOut(classes).build());
        } else {
            OutputLayer.Builder output = classWeights == null ? new OutputLayer.Builder(LossFunction.MCXENT)
                    : new OutputLayer.Builder(new LossMCXENT(Nd4j.create(classWeights).castTo(DataType.FLOAT)));
            layers.layer(output.activation(Activation.SOFTMAX).nIn(summarySize).nOut(classes).build());
        }
        MultiLayerConfiguration conf = layers.build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        if (embeddingWeights != null && !hp.usesEncoder()) {
            // set as parameters, not as weightInit(array): the configuration would keep the initial matrix, and
            // DL4J's clone() (used to keep the best epoch) re-applies it, discarding the fine-tuned embedding
            network.getLayer(0).setParam("W", embeddingWeights);
        }
        return network;
    }

    /** Whether the network ends in the linear output of {@code logits} (its outputs are logits, not probabilities). */
    static boolean outputsLogits(MultiLayerNetwork network) {
        return network.getOutputLayer().conf().getLayer() instanceof BaseOutputLayer output
                && output.getActivationFn() instanceof ActivationIdentity;
    }

    /**
     * The network of {@code hp} with a softmax output and the parameters of {@code trained}, a network of the same
     * settings with the linear output of {@code logits}: the same logits, now answered as probabilities, which is
     * what serving, calibration and the ONNX graph read.
     */
    static MultiLayerNetwork withSoftmax(MultiLayerNetwork trained, HyperParameters hp, int vocabularySize,
                                         int classes) {
        MultiLayerNetwork served = create(hp, vocabularySize, classes, null, null, false, false);
        served.setParams(trained.params().dup());
        return served;
    }

    /**
     * Every label weighing 1: the same loss as none, but DL4J's cross-entropy then computes its gradient for label
     * rows that need not sum to 1 ({@code p * sum(y) - y}), as the weighted windows of long texts are
     * ({@link SequenceBatch}).
     */
    /**
     * Weights that make every label weigh the same in the loss in total: n / (k * n_c) for label c, with n
     * examples, k labels and n_c examples of c (a label without examples gets 1, as it adds nothing to the loss).
     */
    static double[] uniformClassWeights(int classes) {
        double[] weights = new double[classes];
        java.util.Arrays.fill(weights, 1.0);
        return weights;
    }

    /**
     * Weights that make every label weigh the same in the loss in total: n / (k * n_c) for label c, with n
     * examples, k labels and n_c examples of c (a label without examples gets 1, as it adds nothing to the loss).
     */
    static double[] balancedClassWeights(int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        double[] weights = new double[classes];
        for (int c = 0; c < classes; c++) {
            weights[c] = counts[c] == 0 ? 1.0 : labels.length / ((double) classes * counts[c]);
        }
        return weights;
    }

    private static long fusedLstm(HyperParameters hp, NeuralNetConfiguration.ListBuilder layers) {
        FusedLstm.Builder lstm = new FusedLstm.Builder().bidirectional(hp.bidirectional())
                .layers(hp.lstmLayers()).poolings(hp.pooling().parts());
        lstm.nIn(hp.embeddingSize()).nOut(hp.lstmUnits());
        // a layer's dropout applies to its input: here the word vectors (or encoder states), which fine-tuning
        // otherwise overfits
        if (hp.spatialDropout() > 0) {
            lstm.dropOut(TimeLockedDropout.dropping(hp.spatialDropout(), hp.embeddingDropout()));
        } else if (hp.embeddingDropout() > 0) {
            lstm.dropOut(new Dropout(1.0 - hp.embeddingDropout()));
        }
        FusedLstm layer = lstm.build();
        layers.layer(layer);
        return layer.summarySize();
    }

    private static long dl4jLstm(HyperParameters hp, NeuralNetConfiguration.ListBuilder layers) {
        if (hp.pooling() == HyperParameters.Pooling.LAST_MAX || hp.spatialDropout() > 0 || hp.lstmLayers() > 1) {
            throw new IllegalArgumentException("pooling last+max, spatial dropout and stacked LSTM layers need the "
                    + "fused engine");
        }
        LSTM.Builder lstmBuilder = new LSTM.Builder().nIn(hp.embeddingSize()).nOut(hp.lstmUnits()).activation(Activation.TANH);
        if (hp.embeddingDropout() > 0) {
            lstmBuilder.dropOut(new Dropout(1.0 - hp.embeddingDropout()));
        }
        Layer lstm = lstmBuilder.build();
        long summarySize = hp.lstmUnits();
        if (hp.bidirectional()) {
            lstm = new Bidirectional(Bidirectional.Mode.CONCAT, lstm);
            summarySize *= 2;
        }
        switch (hp.pooling()) {
            case LAST -> layers.layer(new LastTimeStep(lstm));
            case MAX -> layers.layer(lstm).layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build());
            case MEAN -> layers.layer(lstm).layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build());
            case LAST_MAX -> throw new IllegalStateException("checked above");
        }
        return summarySize;
    }
}
