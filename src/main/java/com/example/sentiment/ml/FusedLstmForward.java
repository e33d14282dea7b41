package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Inference for every architecture the service trains (the {@link FusedLstm} layer in one or both directions
 * with any pooling, and the networks built on DL4J's own {@code LSTM}: {@code LastTimeStep}, with or without
 * {@code Bidirectional}, or followed by global max or mean pooling) through libnd4j's fused {@code lstmLayer}
 * op, which runs the whole time loop in C++, instead of DL4J's per-time-step layer. Same weights, same
 * arithmetic: tests check the probabilities against the network's.
 *
 * <p>The op runs over the whole padded batch without sequence lengths (with lengths it falls back to one
 * example at a time); the backward direction reads each text reversed within its length, and
 * {@link SequenceSummary} reads only real steps. Immutable, so any number of threads may call it.
 *
 * <p>The LSTM's input is the embedding of token ids, gathered here, or, for a network without an embedding
 * layer, the step vectors it is given as they are (an encoder's states; see {@link SequenceFeatures}).
 */
final class FusedLstmForward {

    // lstmLayer arguments: data format NTS (batch, time, size); forward only; sigmoid gates; tanh cell and output
    private static final int[] INT_ARGS = {1, 0, 2, 0, 0};
    // lstmLayer's gate blocks
    private static final int[] GATE_ORDER = {LstmArchitecture.INPUT, LstmArchitecture.FORGET, LstmArchitecture.CELL,
            LstmArchitecture.OUTPUT};

    // smaller passes run both directions on the caller: measured here, a second core running at the same time
    // made 1-text passes slower (441 -> 309 texts/s), 32-text ones no faster, and 128-text ones 20-30% faster
    static final int MIN_TEXTS_TO_LEND = 128;

    private static final String WORKSPACE_ID = "fused-lstm-inference";
    // sized by the first call, grown when a larger batch spills over
    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0).policyLearning(LearningPolicy.FIRST_LOOP).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.5).policySpill(SpillPolicy.REALLOCATE).policyReset(ResetPolicy.BLOCK_LEFT).build();

    // null when the network reads vectors as they are (an encoder's states)
    private final INDArray embedding;
    private final DataType dataType;
    // each stacked layer's directions, the first layer first
    private final List<List<FusedLstmPass.Weights>> layers;
    private final List<HyperParameters.Pooling> poolings;
    private final boolean backwardLastIsFirstStep;
    private final INDArray outputWeights;
    private final INDArray outputBias;
    // a multi-label network: one independent sigmoid per label instead of a softmax over them
    private final boolean sigmoids;

    private FusedLstmForward(MultiLayerNetwork network, LstmArchitecture architecture) {
        this.embedding = architecture.readsWordIds() ? network.getParam("0_W") : null;
        List<List<FusedLstmPass.Weights>> stack = new ArrayList<>();
        for (int l = 0; l < architecture.layers(); l++) {
            List<FusedLstmPass.Weights> weights = new ArrayList<>();
            for (int d = 0; d < architecture.directions().size(); d++) {
                weights.add(architecture.weights(network, l, d, GATE_ORDER));
            }
            stack.add(weights);
        }
        this.layers = stack;
        this.dataType = stack.get(0).get(0).recurrent().dataType();
        this.poolings = architecture.poolings();
        this.backwardLastIsFirstStep = architecture.backwardLastIsFirstStep();
        this.outputWeights = network.getParam(architecture.outputLayer() + "_W");
        this.outputBias = network.getParam(architecture.outputLayer() + "_b");
        this.sigmoids = LstmArchitecture.endsInSigmoids(network);
    }

    /** The fused path for {@code network}, or empty when its architecture is not one this handles. */
    static Optional<FusedLstmForward> of(MultiLayerNetwork network) {
        return LstmArchitecture.of(network).map(architecture -> new FusedLstmForward(network, architecture));
    }

    /**
     * Class probabilities, one row per text, for the texts {@code rows[from..to)} of {@code features}. Every
     * temporary array lives in this thread's workspace, which is reused call after call: no native allocation
     * per request.
     */
    float[][] probabilities(SequenceFeatures features, int[] rows, int from, int to) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
            return probabilityMatrix(features, rows, from, to).toFloatMatrix();
        }
    }

    /** The same for token-id sequences. */
    float[][] probabilities(int[][] sequences, int[] rows, int from, int to) {
        return probabilities(new TokenIds(sequences), rows, from, to);
    }

    /** The same probabilities at the network's own precision, for tests of double-precision networks. */
    double[][] probabilitiesAtFullPrecision(SequenceFeatures features, int[] rows, int from, int to) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
            return probabilityMatrix(features, rows, from, to).toDoubleMatrix();
        }
    }

    double[][] probabilitiesAtFullPrecision(int[][] sequences, int[] rows, int from, int to) {
        return probabilitiesAtFullPrecision(new TokenIds(sequences), rows, from, to);
    }

    private INDArray probabilityMatrix(SequenceFeatures features, int[] rows, int from, int to) {
        int n = to - from;
        // longest first: the texts still running at any step are then the first rows
        int[] local = longestFirst(features, rows, from, to);
        int[] ordered = new int[n];
        int[] lengths = new int[n];
        for (int r = 0; r < n; r++) {
            ordered[r] = rows[from + local[r]];
            lengths[r] = features.length(ordered[r]);
        }
        int width = lengths[0];
        INDArray inputs = features.lstmInput(ordered, width, embedding, dataType);
        List<Segment> segments = segments(lengths);
        int[] reversed = layers.get(0).size() > 1 ? SequenceSummary.reversedWithinLength(lengths, width) : null;
        INDArray[] outputs = layer(layers.get(0), inputs, reversed, segments);
        for (int l = 1; l < layers.size(); l++) {
            outputs = layer(layers.get(l), SequenceSummary.stepsInTextOrder(outputs, reversed), reversed, segments);
        }
        INDArray summary = new SequenceSummary(outputs, lengths, poolings, backwardLastIsFirstStep).summary();
        INDArray logits = summary.mmul(outputWeights).addiRowVector(outputBias);
        INDArray probabilities = sigmoids ? Transforms.sigmoid(logits, false) : Transforms.softmax(logits, false);
        int[] inputOrder = new int[n];
        for (int r = 0; r < n; r++) {
            inputOrder[local[r]] = r;
        }
        return probabilities.getRows(inputOrder);
    }

    /**
     * One LSTM layer's directions over {@code inputs} {@code [n, T, E]} (longest text first): the forward
     * outputs, and the backward ones in the order it read each text (reversed within its length), the latter on
     * the spare core when the batch is large enough to pay for it.
     */
    private INDArray[] layer(List<FusedLstmPass.Weights> directions, INDArray inputs, int[] reversed,
                             List<Segment> segments) {
        int n = (int) inputs.size(0);
        int width = (int) inputs.size(1);
        INDArray[] outputs = new INDArray[directions.size()];
        for (int d = 0; d < outputs.length; d++) {
            outputs[d] = Nd4j.create(dataType, n, width, directions.get(d).recurrent().size(0));
        }
        Runnable backward = outputs.length == 1 ? null : () -> inThisThreadsWorkspace(() ->
                run(SequenceSummary.permuteSteps(inputs, reversed), directions.get(1), segments, outputs[1]));
        try (SpareCore.Pass pass = SpareCore.enter()) {
            SpareCore.Lent lent = backward != null && n >= MIN_TEXTS_TO_LEND ? pass.lend(backward) : null;
            run(inputs, directions.get(0), segments, outputs[0]);
            if (lent != null) {
                lent.join();
            } else if (backward != null) {
                backward.run();
            }
        }
        return outputs;
    }

    /**
     * Steps {@code [start, end)} run for the first {@code active} rows only: the texts longer than {@code start}.
     * The rows after them are shorter texts, whose outputs past their end no summary reads.
     */
    record Segment(int start, int end, int active) {
    }

    // Costs in units of one text-step of the op (about 10 us here): each step of a call costs about 7 whatever
    // the batch, a call about 10 more (measured in-process, n = 1 to 64, T = 20).
    private static final int STEP_COST = 7;
    private static final int CALL_COST = 10;

    /**
     * Splits the time axis where fewer texts run on, when the padded steps saved pay for another call: a batch
     * of mixed lengths otherwise computes every text up to the longest one. {@code lengths} is longest first.
     * Chosen by dynamic programming over the distinct lengths, with the cost model above.
     */
    static List<Segment> segments(int[] lengths) {
        int n = lengths.length;
        int width = lengths[0];
        // candidate boundaries: 0 and every distinct length, ascending
        int[] cuts = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(0), Arrays.stream(lengths))
                .distinct().sorted().toArray();
        int m = cuts.length; // cuts[m - 1] == width
        int[] runningAt = new int[m];
        for (int i = 0; i < m; i++) {
            runningAt[i] = running(lengths, cuts[i]);
        }
        long[] best = new long[m];
        int[] previous = new int[m];
        Arrays.fill(best, Long.MAX_VALUE);
        best[0] = 0;
        for (int j = 1; j < m; j++) {
            for (int i = 0; i < j; i++) {
                long cost = best[i] + CALL_COST + (long) (cuts[j] - cuts[i]) * (STEP_COST + runningAt[i]);
                if (cost < best[j]) {
                    best[j] = cost;
                    previous[j] = i;
                }
            }
        }
        List<Segment> segments = new ArrayList<>();
        for (int j = m - 1; j > 0; j = previous[j]) {
            int i = previous[j];
            segments.add(0, new Segment(cuts[i], cuts[j], runningAt[i]));
        }
        assert segments.get(0).active() == n && segments.get(segments.size() - 1).end() == width;
        return segments;
    }

    /** How many texts (longest first) are longer than {@code step}. */
    private static int running(int[] lengths, int step) {
        int count = 0;
        while (count < lengths.length && lengths[count] > step) {
            count++;
        }
        return count;
    }

    /**
     * Runs {@code task} in this thread's inference workspace: the caller's is already open, the spare core's
     * opens here (a workspace belongs to one thread). What the task writes into arrays it was given outlives it.
     */
    private static void inThisThreadsWorkspace(Runnable task) {
        if (Nd4j.getWorkspaceManager().checkIfWorkspaceExistsAndActive(WORKSPACE_ID)) {
            task.run();
            return;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
            task.run();
        }
    }

    /**
     * One direction over its segments, each carrying the states of the texts that go on into the next, into
     * {@code outputs} {@code [n, T, H]}.
     */
    private void run(INDArray x, FusedLstmPass.Weights w, List<Segment> segments, INDArray outputs) {
        long units = w.recurrent().size(0);
        if (segments.size() == 1) {
            lstm(x, w, null, null, outputs, null, null);
            return;
        }
        INDArray h = null;
        INDArray c = null;
        for (int s = 0; s < segments.size(); s++) {
            Segment segment = segments.get(s);
            int active = segment.active();
            boolean last = s == segments.size() - 1;
            INDArray xs = x.get(NDArrayIndex.interval(0, active), NDArrayIndex.interval(segment.start(), segment.end()),
                    NDArrayIndex.all()).dup('c');
            INDArray out = Nd4j.create(dataType, active, segment.end() - segment.start(), units);
            INDArray lastH = last ? null : Nd4j.create(dataType, active, units);
            INDArray lastC = last ? null : Nd4j.create(dataType, active, units);
            lstm(xs, w, h, c, out, lastH, lastC);
            outputs.get(NDArrayIndex.interval(0, active), NDArrayIndex.interval(segment.start(), segment.end()),
                    NDArrayIndex.all()).assign(out);
            if (!last) {
                int next = segments.get(s + 1).active();
                h = lastH.get(NDArrayIndex.interval(0, next), NDArrayIndex.all()).dup('c');
                c = lastC.get(NDArrayIndex.interval(0, next), NDArrayIndex.all()).dup('c');
            }
        }
    }

    private static void lstm(INDArray x, FusedLstmPass.Weights w, INDArray initialH, INDArray initialC,
                             INDArray outputs, INDArray lastH, INDArray lastC) {
        boolean initial = initialH != null;
        boolean returnLast = lastH != null;
        // the builder checks the number of arrays per call: all inputs, then all outputs, at once
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("lstmLayer").addInputs(initial
                ? new INDArray[] {x, w.input(), w.recurrent(), w.bias(), initialH, initialC}
                : new INDArray[] {x, w.input(), w.recurrent(), w.bias()});
        op.addOutputs(returnLast ? new INDArray[] {outputs, lastH, lastC} : new INDArray[] {outputs});
        // has bias, no sequence lengths, initial h and c when given, no peepholes, the full sequence, and the
        // last h and c when the next segment goes on from them
        Nd4j.exec(op.addIntegerArguments(INT_ARGS).addFloatingPointArguments(0.0)
                .addBooleanArguments(true, false, initial, initial, false, true, returnLast, returnLast).build());
    }

    private static int[] longestFirst(SequenceFeatures features, int[] rows, int from, int to) {
        int n = to - from;
        long[] keys = new long[n];
        for (int r = 0; r < n; r++) {
            // descending length, then ascending position: stable
            keys[r] = ((long) (Integer.MAX_VALUE - features.length(rows[from + r])) << 32) | r;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int r = 0; r < n; r++) {
            order[r] = (int) keys[r];
        }
        return order;
    }
}
