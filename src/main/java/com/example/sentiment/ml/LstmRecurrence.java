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
 * one small product with the recurrent weights and a few element-wise operations.
 *
 * <p>Gate blocks are ordered {@code [input, forget, output, cell]}, so that the three sigmoid gates form one
 * contiguous block. Everything the backward pass needs (gate activations and their derivatives, cell states)
 * is kept from the forward pass; nothing is recomputed. Padding after a text's end is computed like any step:
 * no later real step reads it, and it receives no gradient.
 *
 * <p>Inside, every per-step array is kept transposed, texts last ({@code [4H, n]} gates, {@code [H, n]} states),
 * so that each gate block of a step is one contiguous run of memory. With texts first ({@code [n, 4H]}), a gate
 * block is a strided view, and libnd4j runs element-wise operations on such views several times slower than on
 * contiguous arrays (issue 26: the time loop's element-wise operations were most of the layer's cost).
 */
final class LstmRecurrence {

    private final INDArray inputWeights;
    private final INDArray recurrentWeights;
    private final int steps;
    private final long n;
    private final long units;
    private final INDArray input;        // [T*n, E]
    private final INDArray gates;        // [T, 4H, n], activated
    private final INDArray cells;        // [T, H, n]
    private final INDArray cellTanh;     // [T, H, n]
    private final INDArray outputs;      // [T, H, n]

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
        this.gates = projected.reshape('c', steps, n, 4 * h).permute(0, 2, 1).dup('c');
        this.cells = Nd4j.create(input.dataType(), steps, h, n);
        this.cellTanh = Nd4j.create(input.dataType(), steps, h, n);
        this.outputs = Nd4j.create(input.dataType(), steps, h, n);
        INDArray scratch = Nd4j.create(input.dataType(), h, n);
        for (int t = 0; t < steps; t++) {
            INDArray z = step(gates, t);
            if (t > 0) {
                // z^T += W_r^T h_{t-1}^T
                Nd4j.gemm(recurrentWeights, step(outputs, t - 1), z, true, false, 1.0, 1.0);
            }
            INDArray sigmoidGates = block(gates, t, 0, 3);
            Nd4j.exec(new Sigmoid(sigmoidGates, sigmoidGates));
            INDArray cellGate = block(gates, t, 3, 4);
            Nd4j.exec(new Tanh(cellGate, cellGate));
            INDArray c = step(cells, t);
            Nd4j.exec(new MulOp(block(gates, t, 0, 1), cellGate, c));
            if (t > 0) {
                Nd4j.exec(new MulOp(block(gates, t, 1, 2), step(cells, t - 1), scratch));
                c.addi(scratch);
            }
            INDArray tc = step(cellTanh, t);
            Nd4j.exec(new Tanh(c, tc));
            Nd4j.exec(new MulOp(block(gates, t, 2, 3), tc, step(outputs, t)));
        }
    }

    /** Outputs of every step, {@code [T, n, H]} (a view). */
    INDArray outputs() {
        return outputs.permute(0, 2, 1);
    }

    /**
     * Back-propagates {@code outputGradient} ({@code [T, n, H]}, any layout: the loss gradient of every step's
     * output), which it leaves as it is.
     *
     * @return the input gradient {@code [T, n, E]} and the weight gradients, in this class's gate order
     */
    FusedLstmPass.Gradients backward(INDArray outputGradient) {
        long h = units;
        INDArray stateGradients = outputGradient.permute(0, 2, 1).dup('c'); // [T, H, n], accumulated in place
        // derivatives of every gate for every step at once: s(1 - s) for the sigmoid gates, 1 - g^2 for the cell
        INDArray derivatives = gates.rsub(1.0).muli(gates);
        INDArray cellGates = gates.get(NDArrayIndex.all(), NDArrayIndex.interval(3 * h, 4 * h), NDArrayIndex.all());
        derivatives.get(NDArrayIndex.all(), NDArrayIndex.interval(3 * h, 4 * h), NDArrayIndex.all())
                .assign(cellGates.mul(cellGates).rsubi(1.0));
        // d(output)/d(cell state) = o (1 - tanh(c)^2), for every step at once
        INDArray outputGates = gates.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * h, 3 * h), NDArrayIndex.all());
        INDArray cellSlope = cellTanh.mul(cellTanh).rsubi(1.0).muli(outputGates);

        INDArray gateGradients = Nd4j.create(gates.dataType(), steps, 4 * h, n);
        INDArray dc = Nd4j.create(gates.dataType(), h, n);
        INDArray carried = Nd4j.create(gates.dataType(), h, n); // the cell gradient that reaches step t - 1
        for (int t = steps - 1; t >= 0; t--) {
            INDArray dz = step(gateGradients, t);
            // dh = the output's own gradient plus what step t + 1 sends back through the recurrent weights
            INDArray dh = step(stateGradients, t);
            if (t < steps - 1) {
                // dh^T += W_r dz_{t+1}^T
                Nd4j.gemm(recurrentWeights, step(gateGradients, t + 1), dh, false, false, 1.0, 1.0);
            }
            Nd4j.exec(new MulOp(dh, step(cellTanh, t), block(gateGradients, t, 2, 3)));
            Nd4j.exec(new MulOp(dh, step(cellSlope, t), dc));
            if (t < steps - 1) {
                dc.addi(carried);
            }
            Nd4j.exec(new MulOp(dc, block(gates, t, 3, 4), block(gateGradients, t, 0, 1)));
            if (t > 0) {
                Nd4j.exec(new MulOp(dc, step(cells, t - 1), block(gateGradients, t, 1, 2)));
                Nd4j.exec(new MulOp(dc, block(gates, t, 1, 2), carried));
            } else {
                block(gateGradients, t, 1, 2).assign(0);
            }
            Nd4j.exec(new MulOp(dc, block(gates, t, 0, 1), block(gateGradients, t, 3, 4)));
            dz.muli(step(derivatives, t));
        }
        // [4H, T*n]: column t*n + r is step t of text r, as row t*n + r of the flattened input
        INDArray flatGradients = gateGradients.permute(1, 0, 2).dup('c').reshape('c', 4 * h, steps * n);
        INDArray inputWeightGradient = input.transpose().mmul(flatGradients.transpose());
        INDArray recurrentWeightGradient = Nd4j.zeros(gates.dataType(), h, 4 * h);
        if (steps > 1) {
            INDArray flatOutputs = outputs.permute(1, 0, 2).dup('c').reshape('c', h, steps * n);
            INDArray previous = flatOutputs.get(NDArrayIndex.all(), NDArrayIndex.interval(0, (steps - 1) * n));
            INDArray later = flatGradients.get(NDArrayIndex.all(), NDArrayIndex.interval(n, steps * n));
            recurrentWeightGradient = previous.mmul(later.transpose());
        }
        INDArray biasGradient = flatGradients.sum(1);
        INDArray inputGradient = flatGradients.transpose().mmul(inputWeights.transpose())
                .reshape('c', steps, n, input.size(1));
        return new FusedLstmPass.Gradients(inputGradient, java.util.List.of(
                new FusedLstmPass.Weights(inputWeightGradient, recurrentWeightGradient, biasGradient)));
    }

    /** Step {@code t} of a C-ordered {@code [T, A, n]} array: a contiguous {@code [A, n]} view. */
    private static INDArray step(INDArray timeMajor, int t) {
        long rows = timeMajor.size(1);
        long columns = timeMajor.size(2);
        return Nd4j.create(timeMajor.data(), new long[] {rows, columns}, new long[] {columns, 1},
                timeMajor.offset() + t * rows * columns, 'c');
    }

    /**
     * Gate blocks {@code [from, to)} of step {@code t} of a C-ordered {@code [T, 4H, n]} array: a contiguous
     * {@code [(to - from) H, n]} view. Made from the buffer directly: {@code get(NDArrayIndex...)} resolves
     * its indices in Java on every call, several times per step.
     */
    private INDArray block(INDArray timeMajor, int t, int from, int to) {
        long columns = timeMajor.size(2);
        return Nd4j.create(timeMajor.data(), new long[] {(to - from) * units, columns}, new long[] {columns, 1},
                timeMajor.offset() + (t * 4 * units + from * units) * columns, 'c');
    }
}
