package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One training (or validation) pass of the {@link FusedLstm} layer over an end-padded batch {@code [n, T, E]}:
 * each layer's and direction's {@link LstmRecurrence}, then the {@link SequenceSummary} of each text's real steps
 * of the top layer, and the backward pass through all of them. The backward direction reads each text reversed
 * within its own length, so it too runs over end-padded input; a lower layer hands the next one its backward
 * outputs put back in the text's order, beside the forward ones.
 */
final class FusedLstmPass {

    /** The weights of one direction; the gate order depends on who reads them (see the users). */
    record Weights(INDArray input, INDArray recurrent, INDArray bias) {
    }

    /** Gradients of one pass: of the input sequence and of each layer's each direction's weights, in that order. */
    record Gradients(INDArray input, List<Weights> weights) {
    }

    // [layer][direction]
    private final LstmRecurrence[][] recurrences;
    private final SequenceSummary summary;
    private final int[] reversed;

    /**
     * @param layers each stacked layer's forward (and backward) weights, the first layer first, gate order
     *     {@code [input, forget, output, cell]}; every layer has as many directions
     * @param input {@code [n, T, E]}, each text's steps first, padding after them
     * @param lengths real steps of each text (1..T)
     */
    FusedLstmPass(List<List<Weights>> layers, List<HyperParameters.Pooling> poolings, INDArray input, int[] lengths) {
        int width = (int) input.size(1);
        int directions = layers.get(0).size();
        this.reversed = directions > 1 ? SequenceSummary.reversedWithinLength(lengths, width) : null;
        this.recurrences = new LstmRecurrence[layers.size()][directions];
        INDArray x = input;
        INDArray[] outputs = null;
        for (int l = 0; l < layers.size(); l++) {
            outputs = new INDArray[directions];
            for (int d = 0; d < directions; d++) {
                INDArray read = d == 0 ? x : SequenceSummary.permuteSteps(x, reversed);
                recurrences[l][d] = new LstmRecurrence(read.permute(1, 0, 2).dup('c'), layers.get(l).get(d));
                outputs[d] = recurrences[l][d].outputs().permute(1, 0, 2).dup('c');
            }
            if (l < layers.size() - 1) {
                x = SequenceSummary.stepsInTextOrder(outputs, reversed);
            }
        }
        this.summary = new SequenceSummary(outputs, lengths, poolings, false);
    }

    /** The summary {@code [n, S]} of each text's real steps. */
    INDArray summary() {
        return summary.summary();
    }

    /** Back-propagates {@code epsilon}, the loss gradient of {@link #summary()}. */
    Gradients backward(INDArray epsilon) {
        INDArray[] outputGradients = summary.backward(epsilon);
        int directions = recurrences[0].length;
        Weights[] weightGradients = new Weights[recurrences.length * directions];
        INDArray inputGradient = null;
        for (int l = recurrences.length - 1; l >= 0; l--) {
            if (l < recurrences.length - 1) {
                outputGradients = byDirection(inputGradient, directions);
            }
            inputGradient = null;
            for (int d = 0; d < directions; d++) {
                Gradients g = recurrences[l][d].backward(outputGradients[d].permute(1, 0, 2));
                weightGradients[l * directions + d] = g.weights().get(0);
                INDArray dx = g.input().permute(1, 0, 2).dup('c');
                if (d > 0) {
                    dx = SequenceSummary.permuteSteps(dx, reversed); // reversal undoes itself
                }
                inputGradient = inputGradient == null ? dx : inputGradient.addi(dx);
            }
        }
        return new Gradients(inputGradient, List.of(weightGradients));
    }

    /**
     * The loss gradient of {@link SequenceSummary#stepsInTextOrder} split back into one {@code [n, T, H]} per direction, the
     * backward one in the order its recurrence read.
     */
    private INDArray[] byDirection(INDArray gradient, int directions) {
        if (directions == 1) {
            return new INDArray[] {gradient};
        }
        long h = gradient.size(2) / directions;
        List<INDArray> parts = new ArrayList<>();
        for (int d = 0; d < directions; d++) {
            INDArray part = gradient.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(d * h, (d + 1) * h))
                    .dup('c');
            parts.add(d == 0 ? part : SequenceSummary.permuteSteps(part, reversed));
        }
        return parts.toArray(INDArray[]::new);
    }
}
