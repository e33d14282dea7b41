package com.example.sentiment.ml;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterUpdate;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The summary of each text's real steps in the outputs of a one- or two-direction LSTM over an end-padded
 * batch, and its backward pass. Each direction's outputs are {@code [n, T, H]} with a text's real steps first:
 * the backward direction reads each text reversed within its own length, so its final state sits at the text's
 * last position too, and max or mean pooling do not care about the order of the real steps.
 *
 * <p>Layout: for each pooling in order, one block of {@code H} per direction (forward first).
 */
final class SequenceSummary {

    // large enough that a padding step never wins a max over tanh outputs, small enough for float
    private static final double PADDING_PENALTY = 1e6;

    private final INDArray[] outputs;
    private final List<HyperParameters.Pooling> poolings;
    private final boolean backwardLastIsFirstStep;
    private final int n;
    private final int width;
    private final long units;
    private final int[] lengths;
    private final int[] lastSteps;
    private final INDArray mask;
    private final INDArray[] maxima;
    private final INDArray[] maskedOutputs; // kept from summary() for the backward pass of max pooling

    /**
     * @param backwardLastIsFirstStep for DL4J's {@code LastTimeStep(Bidirectional)}: the backward direction's
     *     "last" output is the one at the text's last position, after reading only its last token, instead of
     *     its final state
     */
    SequenceSummary(INDArray[] outputs, int[] lengths, List<HyperParameters.Pooling> poolings,
                    boolean backwardLastIsFirstStep) {
        this.outputs = outputs;
        this.poolings = poolings;
        this.backwardLastIsFirstStep = backwardLastIsFirstStep;
        this.n = (int) outputs[0].size(0);
        this.width = (int) outputs[0].size(1);
        this.units = outputs[0].size(2);
        this.lengths = lengths;
        this.lastSteps = new int[n];
        for (int r = 0; r < n; r++) {
            lastSteps[r] = r * width + lengths[r] - 1;
        }
        boolean pooled = poolings.contains(HyperParameters.Pooling.MAX) || poolings.contains(HyperParameters.Pooling.MEAN);
        this.mask = pooled ? mask(lengths, width, outputs[0].dataType()) : null;
        this.maxima = new INDArray[outputs.length];
        this.maskedOutputs = new INDArray[outputs.length];
    }

    /** Width of the summary for these settings. */
    static long size(long units, int directions, List<HyperParameters.Pooling> poolings) {
        return units * directions * poolings.size();
    }

    /** The summary {@code [n, poolings x directions x H]}. */
    INDArray summary() {
        INDArray[] blocks = new INDArray[poolings.size() * outputs.length];
        int b = 0;
        for (HyperParameters.Pooling pooling : poolings) {
            for (int d = 0; d < outputs.length; d++) {
                blocks[b++] = switch (pooling) {
                    case LAST -> Nd4j.pullRows(flat(outputs[d]), 1, lastIndices(d));
                    case MAX -> maxima[d] = (maskedOutputs[d] = masked(d)).max(1);
                    case MEAN -> meanPool(d);
                    case LAST_MAX -> throw new IllegalArgumentException("pass LAST_MAX as its parts");
                };
            }
        }
        return blocks.length == 1 ? blocks[0] : Nd4j.hstack(blocks);
    }

    /** The loss gradient of each direction's outputs {@code [n, T, H]}, given that of {@link #summary()}. */
    INDArray[] backward(INDArray epsilon) {
        INDArray[] gradients = new INDArray[outputs.length];
        for (int d = 0; d < outputs.length; d++) {
            gradients[d] = Nd4j.zeros(epsilon.dataType(), n, width, units);
        }
        int b = 0;
        for (HyperParameters.Pooling pooling : poolings) {
            for (int d = 0; d < outputs.length; d++) {
                INDArray part = epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(b * units, (b + 1) * units)).dup('c');
                b++;
                switch (pooling) {
                    case LAST -> Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ADD, flat(gradients[d]),
                            Nd4j.createFromArray(lastIndices(d)), part, 1);
                    case MAX -> {
                        // the gradient goes to the step that held the maximum
                        INDArray winners = Nd4j.create(DataType.BOOL, n, width, units);
                        Broadcast.eq(maskedOutputs[d], maxima[d], winners, 0, 2);
                        INDArray routed = winners.castTo(part.dataType());
                        gradients[d].addi(Broadcast.mul(routed, part, routed, 0, 2));
                    }
                    case MEAN -> {
                        INDArray spread = Nd4j.zeros(part.dataType(), n, width, units);
                        Broadcast.add(spread, part.divColumnVector(lengthColumn(part.dataType())), spread, 0, 2);
                        gradients[d].addi(Broadcast.mul(spread, mask, spread, 0, 1));
                    }
                    case LAST_MAX -> throw new IllegalArgumentException("pass LAST_MAX as its parts");
                }
            }
        }
        return gradients;
    }

    /** Row indices of a flattened {@code [n, T, ...]} batch that reverse each text's real steps, padding in place. */
    static int[] reversedWithinLength(int[] lengths, int width) {
        int[] rows = new int[lengths.length * width];
        for (int r = 0; r < lengths.length; r++) {
            for (int t = 0; t < width; t++) {
                rows[r * width + t] = r * width + (t < lengths[r] ? lengths[r] - 1 - t : t);
            }
        }
        return rows;
    }

    /**
     * What a stacked layer reads from the layer below: {@code [n, T, D x H]}, each step's directions side by side,
     * forward first, the backward direction's outputs (computed over each text reversed within its length, rows
     * {@code reversed}) put back at their text positions.
     */
    static INDArray stepsInTextOrder(INDArray[] outputs, int[] reversed) {
        return outputs.length == 1 ? outputs[0]
                : Nd4j.concat(2, outputs[0], permuteSteps(outputs[1], reversed));
    }

    /** {@code sequence} {@code [n, T, S]} with its steps taken from {@code rows} of the flattened batch. */
    static INDArray permuteSteps(INDArray sequence, int[] rows) {
        long n = sequence.size(0);
        long width = sequence.size(1);
        INDArray flat = sequence.reshape('c', n * width, sequence.size(2));
        return Nd4j.pullRows(flat, 1, rows).reshape('c', n, width, sequence.size(2));
    }

    private int[] lastIndices(int direction) {
        if (direction == 1 && backwardLastIsFirstStep) {
            int[] first = new int[n];
            for (int r = 0; r < n; r++) {
                first[r] = r * width;
            }
            return first;
        }
        return lastSteps;
    }

    private INDArray masked(int direction) {
        INDArray penalty = mask.sub(1.0).muli(PADDING_PENALTY);
        INDArray out = outputs[direction].dup('c');
        return Broadcast.add(out, penalty, out, 0, 1);
    }

    private INDArray meanPool(int direction) {
        INDArray masked = outputs[direction].dup('c');
        Broadcast.mul(masked, mask, masked, 0, 1);
        return masked.sum(1).diviColumnVector(lengthColumn(masked.dataType()));
    }

    private INDArray lengthColumn(DataType type) {
        double[] column = new double[n];
        for (int r = 0; r < n; r++) {
            column[r] = lengths[r];
        }
        return Nd4j.createFromArray(column).castTo(type).reshape(n, 1);
    }

    private INDArray flat(INDArray sequence) {
        return sequence.reshape('c', (long) n * width, sequence.size(2));
    }

    private static INDArray mask(int[] lengths, int width, DataType type) {
        double[] values = new double[lengths.length * width];
        for (int r = 0; r < lengths.length; r++) {
            Arrays.fill(values, r * width, r * width + lengths[r], 1.0);
        }
        return Nd4j.createFromArray(values).castTo(type).reshape('c', lengths.length, width);
    }
}
