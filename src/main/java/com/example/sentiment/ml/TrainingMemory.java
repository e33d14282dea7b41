package com.example.sentiment.ml;

/**
 * What training a network of given hyper-parameters holds in ND4J's off-heap memory, estimated from the
 * shapes {@link NetworkFactory} builds, so that a job that cannot fit is refused before it is queued.
 */
public final class TrainingMemory {

    /** libnd4j's own buffers, workspaces' slack and the minibatch being built (measured, rounded up). */
    static final long FIXED_BYTES = 64L << 20;

    private TrainingMemory() {
    }

    /** Estimated peak off-heap bytes of one training job. */
    public static long nativeBytes(HyperParameters hp, int vocabularySize, int classes) {
        long embedding = hp.embeddingSize();
        long units = hp.lstmUnits();
        long directions = hp.bidirectional() ? 2 : 1;
        long stacked = hp.lstmLayers() - 1L;
        // a stacked layer reads the layer below's outputs, directions x units wide
        long parameters = vocabularySize * embedding
                + directions * 4 * units * (embedding + units + 1)
                + stacked * directions * 4 * units * (directions * units + units + 1)
                + directions * units * classes + classes;
        // weights, gradients, Adam's two moments, the best epoch's copy kept by early stopping and the classifier
        long parameterBytes = parameters * Float.BYTES * 6;
        // per example and step: the embedded input, four gates, cell and output kept for backpropagation, and
        // their gradients; validation batches are at least 64 examples
        long steps = (long) Math.max(hp.batchSize(), 64) * hp.maxSequenceLength();
        long activationBytes = steps * (embedding + 7 * units * hp.lstmLayers()) * directions * Float.BYTES * 2;
        return parameterBytes + activationBytes + FIXED_BYTES;
    }
}
