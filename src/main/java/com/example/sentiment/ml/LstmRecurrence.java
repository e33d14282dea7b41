package com.example.sentiment.ml;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One direction of an LSTM over a time-major batch {@code [T, n, E]}, forward and backward, with the work that
 * does not depend on the previous step taken out of the time loop: the input projection of every step is one
 * matrix product before the loop, and the weight gradients are three after it. Inside the loop each step costs
 * one small product with the recurrent weights and a few element-wise operations on {@code [n, 4H]} blocks.
 *
 * <p>Gate blocks are ordered {@code [input, forget, output, cell]}, so that the three sigmoid gates form one
 * contiguous block. Everything the backward pass needs (gate activations and their derivatives, cell states)
 * is kept from the forward pass; nothing is recomputed. Padding after a text's end is computed like any step:
 * no later real step reads it, and it receives no gradient.
 */
final class LstmRecurrence {

    private final INDArray inputWeights;
    private final INDArray recurrentWeights;
    private final int steps;
    private final long n;
    private final long units;
    private final INDArray input;        // [T*n, E]
    private final INDArray gates;        // [T, n, 4H], activated
    private final INDArray cells;        // [T, n, H]
    private final INDArray cellTanh;     // [T, n, H]
    private final INDArray outputs;      // [T, n, H]

    /**
     * @param input time-major {@code [T, n, E]}, C order
     * @param weights gate order {@code [input, forget, output, cell]}
     */
    LstmRecurrence(INDArray input, FusedLstmPass.Weights weights) {
        this.inputWeights = weights.input();
        this.recurrentWeights = weights.recurrent();
        this.steps = (int) input.size(0);
        this.n = input.size(1);
        this.units = recurrentWeights.size(0);
        long h = units;
        this.input = input.reshape('c', steps * n, input.size(2));
        INDArray projected = this.input.mmul(inputWeights).addiRowVector(weights.bias());
        this.gates = projected.reshape('c', steps, n, 4 * h);
        this.cells = Nd4j.create(input.dataType(), steps, n, h);
        this.cellTanh = Nd4j.create(input.dataType(), steps, n, h);
        this.outputs = Nd4j.create(input.dataType(), steps, n, h);
        INDArray scratch = Nd4j.create(input.dataType(), n, h);
        for (int t = 0; t < steps; t++) {
            INDArray z = gates.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
            if (t > 0) {
                Nd4j.gemm(step(outputs, t - 1), recurrentWeights, z, false, false, 1.0, 1.0);
            }
            INDArray sigmoidGates = block(z, 0, 3);
            Nd4j.exec(new Sigmoid(sigmoidGates, sigmoidGates));
            INDArray cellGate = block(z, 3, 4);
            Nd4j.exec(new Tanh(cellGate, cellGate));
            INDArray c = step(cells, t);
            Nd4j.exec(new MulOp(block(z, 0, 1), cellGate, c));
            if (t > 0) {
                Nd4j.exec(new MulOp(block(z, 1, 2), step(cells, t - 1), scratch));
                c.addi(scratch);
            }
            INDArray tc = step(cellTanh, t);
            Nd4j.exec(new Tanh(c, tc));
            Nd4j.exec(new MulOp(block(z, 2, 3), tc, step(outputs, t)));
        }
    }

    /** Outputs of every step, {@code [T, n, H]}. */
    INDArray outputs() {
        return outputs;
    }

    /**
     * Back-propagates {@code outputGradient} ({@code [T, n, H]}, the loss gradient of every step's output),
     * which it overwrites.
     *
     * @return the input gradient {@code [T, n, E]} and the weight gradients, in this class's gate order
     */
    FusedLstmPass.Gradients backward(INDArray outputGradient) {
        long h = units;
        // derivatives of every gate for every step at once: s(1 - s) for the sigmoid gates, 1 - g^2 for the cell
        INDArray derivatives = gates.dup('c');
        INDArray sig = derivatives.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 3 * h));
        sig.muli(sig.rsub(1.0));
        INDArray cell = derivatives.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(3 * h, 4 * h));
        cell.assign(cell.mul(cell).rsubi(1.0));
        // d(output)/d(cell state) = o (1 - tanh(c)^2), for every step at once
        INDArray outputGates = gates.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(2 * h, 3 * h));
        INDArray cellSlope = cellTanh.mul(cellTanh).rsubi(1.0).muli(outputGates);

        INDArray gateGradients = Nd4j.create(gates.dataType(), steps, n, 4 * h);
        INDArray dc = Nd4j.create(gates.dataType(), n, h);
        INDArray carried = Nd4j.create(gates.dataType(), n, h); // the cell gradient that reaches step t - 1
        for (int t = steps - 1; t >= 0; t--) {
            INDArray a = step(gates, t);
            INDArray dz = step(gateGradients, t);
            // dh = the output's own gradient plus what step t + 1 sends back through the recurrent weights,
            // accumulated in place: the caller hands over a gradient array of its own
            INDArray dh = step(outputGradient, t);
            if (t < steps - 1) {
                Nd4j.gemm(step(gateGradients, t + 1), recurrentWeights, dh, false, true, 1.0, 1.0);
            }
            Nd4j.exec(new MulOp(dh, step(cellTanh, t), block(dz, 2, 3)));
            Nd4j.exec(new MulOp(dh, step(cellSlope, t), dc));
            if (t < steps - 1) {
                dc.addi(carried);
            }
            Nd4j.exec(new MulOp(dc, block(a, 3, 4), block(dz, 0, 1)));
            if (t > 0) {
                Nd4j.exec(new MulOp(dc, step(cells, t - 1), block(dz, 1, 2)));
                Nd4j.exec(new MulOp(dc, block(a, 1, 2), carried));
            } else {
                block(dz, 1, 2).assign(0);
            }
            Nd4j.exec(new MulOp(dc, block(a, 0, 1), block(dz, 3, 4)));
            dz.muli(step(derivatives, t));
        }
        INDArray flatGradients = gateGradients.reshape('c', steps * n, 4 * h);
        INDArray inputWeightGradient = input.transpose().mmul(flatGradients);
        INDArray recurrentWeightGradient = Nd4j.zeros(gates.dataType(), h, 4 * h);
        if (steps > 1) {
            INDArray previous = outputs.reshape('c', steps * n, h).get(NDArrayIndex.interval(0, (steps - 1) * n), NDArrayIndex.all());
            INDArray later = flatGradients.get(NDArrayIndex.interval(n, steps * n), NDArrayIndex.all());
            recurrentWeightGradient = previous.transpose().mmul(later);
        }
        INDArray biasGradient = flatGradients.sum(0);
        INDArray inputGradient = flatGradients.mmul(inputWeights.transpose()).reshape('c', steps, n, input.size(1));
        return new FusedLstmPass.Gradients(inputGradient, java.util.List.of(
                new FusedLstmPass.Weights(inputWeightGradient, recurrentWeightGradient, biasGradient)));
    }

    private static INDArray step(INDArray timeMajor, int t) {
        return timeMajor.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** Gate blocks {@code [from, to)} of a {@code [n, 4H]} step. */
    private INDArray block(INDArray step, int from, int to) {
        return step.get(NDArrayIndex.all(), NDArrayIndex.interval(from * units, to * units));
    }
}
