package com.example.sentiment.ml;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One training (or validation) pass of the {@link FusedLstm} layer over an end-padded batch {@code [n, T, E]}:
 * each direction's {@link LstmRecurrence}, then the {@link SequenceSummary} of each text's real steps, and the
 * backward pass through both. The backward direction reads each text reversed within its own length, so it too
 * runs over end-padded input.
 */
final class FusedLstmPass {

    /** The weights of one direction; the gate order depends on who reads them (see the users). */
    record Weights(INDArray input, INDArray recurrent, INDArray bias) {
    }

    /** Gradients of one pass: of the input sequence and of each direction's weights. */
    record Gradients(INDArray input, List<Weights> weights) {
    }

    private final LstmRecurrence[] recurrences;
    private final SequenceSummary summary;
    private final int[] reversed;

    /**
     * @param directions forward (and backward) weights, gate order {@code [input, forget, output, cell]}
     * @param input {@code [n, T, E]}, each text's steps first, padding after them
     * @param lengths real steps of each text (1..T)
     */
    FusedLstmPass(List<Weights> directions, List<HyperParameters.Pooling> poolings, INDArray input, int[] lengths) {
        int width = (int) input.size(1);
        this.reversed = directions.size() > 1 ? SequenceSummary.reversedWithinLength(lengths, width) : null;
        this.recurrences = new LstmRecurrence[directions.size()];
        INDArray[] outputs = new INDArray[directions.size()];
        for (int d = 0; d < directions.size(); d++) {
            INDArray x = d == 0 ? input : SequenceSummary.permuteSteps(input, reversed);
            recurrences[d] = new LstmRecurrence(x.permute(1, 0, 2).dup('c'), directions.get(d));
            outputs[d] = recurrences[d].outputs().permute(1, 0, 2).dup('c');
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
        INDArray inputGradient = null;
        Weights[] weightGradients = new Weights[recurrences.length];
        for (int d = 0; d < recurrences.length; d++) {
            Gradients g = recurrences[d].backward(outputGradients[d].permute(1, 0, 2));
            weightGradients[d] = g.weights().get(0);
            INDArray dx = g.input().permute(1, 0, 2).dup('c');
            if (d > 0) {
                dx = SequenceSummary.permuteSteps(dx, reversed); // reversal undoes itself
            }
            inputGradient = inputGradient == null ? dx : inputGradient.addi(dx);
        }
        return new Gradients(inputGradient, List.of(weightGradients));
    }
}
