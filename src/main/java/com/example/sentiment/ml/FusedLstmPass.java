package com.example.sentiment.ml;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterUpdate;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One pass of a (bi)directional LSTM over an end-padded batch through libnd4j's fused {@code lstmLayer} and
 * {@code lstmLayer_bp} ops, which run the whole time loop in C++, and the summary of each text's real steps.
 *
 * <p>The ops run without sequence lengths: with them both loops fall back to one example at a time. A forward
 * LSTM's output at a real step never depends on the padding after it, and padding steps get no gradient
 * because no summary reads them. The backward direction reads each text reversed <em>within its own length</em>
 * (padding stays at the end), so it too is a forward pass over end-padded input, and its real steps occupy the
 * same positions: its final state sits at the text's last position, and max or mean pooling over real steps
 * does not care about their order.
 *
 * <p>Summary layout: for each pooling in order, one block of {@code units} per direction (forward first).
 */
final class FusedLstmPass {

    /** The weights of one direction, in lstmLayer's gate order {@code [input, forget, cell, output]}. */
    record Weights(INDArray input, INDArray recurrent, INDArray bias) {
    }

    /** Gradients of one pass: of the input sequence {@code [n, T, E]} and of each direction's weights. */
    record Gradients(INDArray input, List<Weights> weights) {
    }

    // data format NTS (batch, time, size); forward only; sigmoid gates; tanh cell and output
    private static final int[] INT_ARGS = {1, 0, 2, 0, 0};
    // has bias; no sequence lengths, initial h or c, peepholes; the full output sequence only
    private static final boolean[] BOOL_ARGS = {true, false, false, false, false, true, false, false};
    // large enough that a padding step never wins a max over tanh outputs, small enough for float
    private static final double PADDING_PENALTY = 1e6;

    private final List<Weights> directions;
    private final List<HyperParameters.Pooling> poolings;
    private final boolean backwardLastIsFirstStep;
    private final int n;
    private final int width;
    private final long units;
    private final int[] lengths;
    private final int[] lastSteps;
    private final int[] reversed;
    private final INDArray mask;
    private final INDArray[] inputs;
    private final INDArray[] outputs;
    private final INDArray[] pooledMax;

    /**
     * Runs the LSTM over {@code input} and keeps what a backward pass needs.
     *
     * @param input {@code [n, T, E]}, each text's steps first, padding after them
     * @param lengths real steps of each text (1..T)
     * @param backwardLastIsFirstStep for DL4J's {@code LastTimeStep(Bidirectional)}: the backward direction's
     *     "last" output is the one at the text's last position, after reading only its last token, instead of
     *     its final state
     */
    FusedLstmPass(List<Weights> directions, List<HyperParameters.Pooling> poolings, boolean backwardLastIsFirstStep,
                  INDArray input, int[] lengths) {
        this.directions = directions;
        this.poolings = poolings;
        this.backwardLastIsFirstStep = backwardLastIsFirstStep;
        this.n = (int) input.size(0);
        this.width = (int) input.size(1);
        this.units = directions.get(0).recurrent().size(0);
        this.lengths = lengths;
        this.lastSteps = new int[n];
        for (int r = 0; r < n; r++) {
            lastSteps[r] = r * width + lengths[r] - 1;
        }
        this.reversed = directions.size() > 1 ? reversedWithinLength(lengths, width) : null;
        this.mask = needsMask(poolings) ? mask(lengths, width, input.dataType()) : null;
        this.inputs = new INDArray[directions.size()];
        this.outputs = new INDArray[directions.size()];
        this.pooledMax = new INDArray[directions.size()];
        INDArray x = input.ordering() == 'c' && !input.isView() ? input : input.dup('c');
        for (int d = 0; d < directions.size(); d++) {
            inputs[d] = d == 0 ? x : permuteSteps(x, reversed);
            outputs[d] = Nd4j.create(x.dataType(), n, width, units);
            Weights w = directions.get(d);
            Nd4j.exec(DynamicCustomOp.builder("lstmLayer")
                    .addInputs(inputs[d], w.input(), w.recurrent(), w.bias()).addOutputs(outputs[d])
                    .addIntegerArguments(INT_ARGS).addFloatingPointArguments(0.0).addBooleanArguments(BOOL_ARGS)
                    .build());
        }
    }

    /** Width of the summary for these settings. */
    static long summarySize(long units, int directions, List<HyperParameters.Pooling> poolings) {
        return units * directions * poolings.size();
    }

    /** The summary {@code [n, poolings x directions x units]} of each text's real steps. */
    INDArray summary() {
        INDArray[] blocks = new INDArray[poolings.size() * directions.size()];
        int b = 0;
        for (HyperParameters.Pooling pooling : poolings) {
            for (int d = 0; d < directions.size(); d++) {
                blocks[b++] = switch (pooling) {
                    case LAST -> Nd4j.pullRows(flat(outputs[d]), 1, lastIndices(d));
                    case MAX -> maxPool(d);
                    case MEAN -> meanPool(d);
                };
            }
        }
        return blocks.length == 1 ? blocks[0] : Nd4j.hstack(blocks);
    }

    /** Back-propagates {@code epsilon}, the loss gradient of {@link #summary()}, through pooling and the LSTM. */
    Gradients backward(INDArray epsilon) {
        INDArray[] outputGradients = new INDArray[directions.size()];
        for (int d = 0; d < directions.size(); d++) {
            outputGradients[d] = Nd4j.zeros(epsilon.dataType(), n, width, units);
        }
        int b = 0;
        for (HyperParameters.Pooling pooling : poolings) {
            for (int d = 0; d < directions.size(); d++) {
                INDArray part = epsilon.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(b * units, (b + 1) * units)).dup('c');
                b++;
                switch (pooling) {
                    case LAST -> Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ADD, flat(outputGradients[d]),
                            Nd4j.createFromArray(lastIndices(d)), part, 1);
                    case MAX -> {
                        INDArray winners = Nd4j.create(DataType.BOOL, n, width, units);
                        Broadcast.eq(maskedOutputs(d), pooledMax[d], winners, 0, 2);
                        INDArray routed = winners.castTo(part.dataType());
                        outputGradients[d].addi(Broadcast.mul(routed, part, routed, 0, 2));
                    }
                    case MEAN -> {
                        INDArray spread = Nd4j.zeros(part.dataType(), n, width, units);
                        Broadcast.add(spread, part.divColumnVector(lengthColumn(part.dataType())), spread, 0, 2);
                        outputGradients[d].addi(Broadcast.mul(spread, mask, spread, 0, 1));
                    }
                }
            }
        }
        INDArray inputGradient = null;
        Weights[] weightGradients = new Weights[directions.size()];
        for (int d = 0; d < directions.size(); d++) {
            Weights w = directions.get(d);
            INDArray dx = Nd4j.create(inputs[d].dataType(), inputs[d].shape());
            Weights g = new Weights(Nd4j.create(w.input().dataType(), w.input().shape()),
                    Nd4j.create(w.recurrent().dataType(), w.recurrent().shape()),
                    Nd4j.create(w.bias().dataType(), w.bias().shape()));
            Nd4j.exec(DynamicCustomOp.builder("lstmLayer_bp")
                    .addInputs(inputs[d], w.input(), w.recurrent(), w.bias(), outputGradients[d])
                    .addOutputs(dx, g.input(), g.recurrent(), g.bias())
                    .addIntegerArguments(INT_ARGS).addFloatingPointArguments(0.0).addBooleanArguments(BOOL_ARGS)
                    .build());
            weightGradients[d] = g;
            INDArray inOriginalOrder = d == 0 ? dx : permuteSteps(dx, reversed);
            inputGradient = inputGradient == null ? inOriginalOrder : inputGradient.addi(inOriginalOrder);
        }
        return new Gradients(inputGradient, List.of(weightGradients));
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

    private INDArray maxPool(int direction) {
        pooledMax[direction] = maskedOutputs(direction).max(1);
        return pooledMax[direction];
    }

    private INDArray maskedOutputs(int direction) {
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

    private INDArray permuteSteps(INDArray sequence, int[] rows) {
        return Nd4j.pullRows(flat(sequence), 1, rows).reshape('c', n, width, sequence.size(2));
    }

    private static boolean needsMask(List<HyperParameters.Pooling> poolings) {
        return poolings.contains(HyperParameters.Pooling.MAX) || poolings.contains(HyperParameters.Pooling.MEAN);
    }

    private static INDArray mask(int[] lengths, int width, DataType type) {
        double[] values = new double[lengths.length * width];
        for (int r = 0; r < lengths.length; r++) {
            java.util.Arrays.fill(values, r * width, r * width + lengths[r], 1.0);
        }
        return Nd4j.createFromArray(values).castTo(type).reshape('c', lengths.length, width);
    }

    /** Row indices that reverse each text's real steps in place and leave its padding where it is. */
    private static int[] reversedWithinLength(int[] lengths, int width) {
        int[] rows = new int[lengths.length * width];
        for (int r = 0; r < lengths.length; r++) {
            for (int t = 0; t < width; t++) {
                rows[r * width + t] = r * width + (t < lengths[r] ? lengths[r] - 1 - t : t);
            }
        }
        return rows;
    }
}
