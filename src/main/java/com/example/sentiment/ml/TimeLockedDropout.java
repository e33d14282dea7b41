package com.example.sentiment.ml;

import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonIgnoreProperties;

/**
 * Spatial dropout on word vectors laid out {@code [n, T, E]}: each text drops the same vector dimensions at
 * every step, so that the LSTM cannot recover a dropped dimension from the neighbouring words, as it can with
 * element-wise dropout. DL4J's {@code SpatialDropout} locks the last axis instead ({@code [n, E, T]} layouts),
 * which here would drop whole words. Element-wise dropout can be applied on top, with one mask for both, since
 * DL4J's layers take one dropout each. Kept units are scaled by {@code 1 / retain} (inverted dropout).
 */
@JsonIgnoreProperties({"mask"})
final class TimeLockedDropout implements IDropout {

    private double retainProbability;
    private double elementRetainProbability = 1.0;
    private transient INDArray mask;

    // for DL4J's Jackson mapper, which restores saved configurations
    private TimeLockedDropout() {
    }

    /**
     * @param dropProbability probability of dropping one dimension of a text's vectors at every step
     * @param elementDropProbability probability of dropping one unit at one step, on top (0 = none)
     */
    static TimeLockedDropout dropping(double dropProbability, double elementDropProbability) {
        TimeLockedDropout dropout = new TimeLockedDropout();
        dropout.retainProbability = 1.0 - dropProbability;
        dropout.elementRetainProbability = 1.0 - elementDropProbability;
        return dropout;
    }

    public double getRetainProbability() {
        return retainProbability;
    }

    public void setRetainProbability(double retainProbability) {
        this.retainProbability = retainProbability;
    }

    public double getElementRetainProbability() {
        return elementRetainProbability;
    }

    public void setElementRetainProbability(double elementRetainProbability) {
        this.elementRetainProbability = elementRetainProbability;
    }

    @Override
    public INDArray applyDropout(INDArray input, INDArray result, int iteration, int epoch, LayerWorkspaceMgr workspaceMgr) {
        if (input.rank() != 3) {
            throw new IllegalStateException("time-locked dropout expects [n, T, E] input, got rank " + input.rank());
        }
        // one draw per text and dimension, broadcast over the time axis; kept for the backward pass
        INDArray locked = workspaceMgr.createUninitialized(ArrayType.INPUT, input.dataType(), input.size(0), 1,
                input.size(2));
        Nd4j.getExecutioner().exec(new BernoulliDistribution(locked, retainProbability));
        locked.divi(retainProbability);
        if (elementRetainProbability < 1.0) {
            mask = workspaceMgr.createUninitialized(ArrayType.INPUT, input.dataType(), input.shape());
            Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, elementRetainProbability));
            mask.divi(elementRetainProbability).muli(locked);
        } else {
            mask = locked;
        }
        return result.assign(input.mul(mask));
    }

    @Override
    public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
        if (mask == null) {
            throw new IllegalStateException("backprop without a forward pass in training mode");
        }
        return gradAtInput.assign(gradAtOutput.mul(mask));
    }

    @Override
    public void clear() {
        mask = null;
    }

    @Override
    public TimeLockedDropout clone() {
        return dropping(1.0 - retainProbability, 1.0 - elementRetainProbability);
    }
}
