package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Minibatches of texts (token ids or step vectors, {@link SequenceFeatures}) grouped by length, so that little
 * work goes into padding.
 *
 * <p>DL4J's own text iterators either feed word vectors instead of ids or pad every batch to one
 * length; this one reshuffles every epoch, sorts within pools of 50 batches by length (so batches
 * hold sequences of similar length yet stay random) and shuffles the batch order. It stops yielding
 * when {@code cancelled} turns true, so an epoch ends cleanly within one batch.
 *
 * <p>Batches are shuffled in groups of {@code groupSize} that stay together: replicas trained in parallel take
 * consecutive batches, which then have similar lengths and take similar time.
 */
final class BucketedDataSetIterator implements DataSetIterator {

    private static final int POOL_BATCHES = 50;

    private final SequenceFeatures features;
    private final int[] labels;
    private final float[][] targets;
    private final float[] weights;
    private final int classes;
    private final int batchSize;
    private final Random random;
    private final boolean shuffle;
    private final BooleanSupplier cancelled;
    private final List<String> labelNames;
    private final int groupSize;

    private int[] order;
    private List<int[]> batches = List.of();
    private int cursor;
    private DataSetPreProcessor preProcessor;

    BucketedDataSetIterator(SequenceFeatures features, int[] labels, List<String> labelNames, int batchSize, long seed,
                            boolean shuffle, BooleanSupplier cancelled, int groupSize) {
        this(features, labels, null, labelNames, batchSize, seed, shuffle, cancelled, groupSize);
    }

    /** @param targets soft targets that replace the one-hot labels (see {@link EncodedTexts}), or null */
    BucketedDataSetIterator(SequenceFeatures features, int[] labels, float[][] targets, List<String> labelNames,
                            int batchSize, long seed, boolean shuffle, BooleanSupplier cancelled, int groupSize) {
        this(features, labels, targets, null, labelNames, batchSize, seed, shuffle, cancelled, groupSize);
    }

    /**
     * @param weights each row's weight in the loss (a window of a long text, {@link TextWindows}), which scales its
     *                label row ({@link SequenceBatch}); null when every row weighs 1
     */
    BucketedDataSetIterator(SequenceFeatures features, int[] labels, float[][] targets, float[] weights,
                            List<String> labelNames, int batchSize, long seed, boolean shuffle,
                            BooleanSupplier cancelled, int groupSize) {
        this.weights = weights;
        this.features = features;
        this.labels = labels;
        this.targets = targets;
        this.labelNames = labelNames;
        this.classes = labelNames.size();
        this.batchSize = batchSize;
        this.random = new Random(seed);
        this.shuffle = shuffle;
        this.cancelled = cancelled;
        this.groupSize = Math.max(1, groupSize);
        reset();
    }

    int batchCount() {
        return batches.size();
    }

    @Override
    public void reset() {
        Integer[] idx = new Integer[features.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Comparator<Integer> byLength = Comparator.comparingInt(features::length);
        if (shuffle) {
            Collections.shuffle(Arrays.asList(idx), random);
            int pool = POOL_BATCHES * batchSize;
            for (int from = 0; from < idx.length; from += pool) {
                Arrays.sort(idx, from, Math.min(idx.length, from + pool), byLength);
            }
        } else {
            Arrays.sort(idx, byLength);
        }
        order = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            order[i] = idx[i];
        }
        List<List<int[]>> groups = new ArrayList<>();
        for (int from = 0; from < order.length; from += batchSize) {
            if (groups.isEmpty() || groups.get(groups.size() - 1).size() == groupSize) {
                groups.add(new ArrayList<>());
            }
            groups.get(groups.size() - 1).add(new int[] {from, Math.min(order.length, from + batchSize)});
        }
        if (shuffle) {
            Collections.shuffle(groups, random);
        }
        List<int[]> ranges = new ArrayList<>();
        groups.forEach(ranges::addAll);
        batches = ranges;
        cursor = 0;
    }

    @Override
    public boolean hasNext() {
        return cursor < batches.size() && !cancelled.getAsBoolean();
    }

    @Override
    public DataSet next() {
        int[] range = batches.get(cursor++);
        DataSet ds = SequenceBatch.dataSet(features, labels, targets, weights, classes, order, range[0], range[1]);
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    @Override
    public DataSet next(int num) {
        throw new UnsupportedOperationException("batch size is fixed at construction");
    }

    @Override
    public int inputColumns() {
        return -1;
    }

    @Override
    public int totalOutcomes() {
        return classes;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        // batches are cheap to build; a prefetch thread would only complicate cancellation
        return false;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return labelNames;
    }
}
