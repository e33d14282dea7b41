package com.example.sentiment.ml;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.ref.Cleaner;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A classifier's forward pass on ONNX Runtime's CPU {@code LSTM} operator: the graph {@link OnnxClassifierGraph}
 * writes from the networks' weights (one network, or an ensemble's members averaged), in one session with one
 * intra-op and one inter-op thread (as {@link OnnxEncoder} opens its sessions: the service runs one pass per
 * inference worker). Safe to call from many threads, as ONNX Runtime's sessions are.
 *
 * <p>The session's native memory is released once nothing reaches this object any more (a replaced model
 * version), when no call can still be running on it.
 */
final class OnnxForward {

    private static final Cleaner CLEANER = Cleaner.create();

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String input;

    /**
     * @param members one network, or the members of an ensemble, of one {@link LstmArchitecture}
     * @throws IllegalArgumentException when the networks are not an architecture the graph covers
     */
    OnnxForward(List<MultiLayerNetwork> members) throws OrtException {
        byte[] model = OnnxClassifierGraph.of(members);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(model, options);
        }
        input = session.getInputNames().contains(OnnxClassifierGraph.IDS) ? OnnxClassifierGraph.IDS
                : OnnxClassifierGraph.STEPS;
        OrtSession closing = session;
        CLEANER.register(this, () -> {
            try {
                closing.close();
            } catch (OrtException e) {
                // nothing to do: the process keeps running without that memory
            }
        });
    }

    /** Class probabilities, one row per text, for the texts {@code rows[from..to)} of {@code features}. */
    float[][] probabilities(SequenceFeatures features, int[] rows, int from, int to) {
        int n = to - from;
        int[] lengths = new int[n];
        int width = 1;
        for (int r = 0; r < n; r++) {
            lengths[r] = features.length(rows[from + r]);
            width = Math.max(width, lengths[r]);
        }
        try (OnnxTensor inputs = features.onnxInput(environment, rows, from, to, width);
             OnnxTensor lengthTensor = OnnxTensor.createTensor(environment, IntBuffer.wrap(lengths), new long[] {n});
             OrtSession.Result result = session.run(Map.of(input, inputs, OnnxClassifierGraph.LENGTHS, lengthTensor),
                     Set.of(OnnxClassifierGraph.PROBABILITIES))) {
            OnnxTensor output = (OnnxTensor) result.get(0);
            FloatBuffer values = output.getFloatBuffer();
            int classes = (int) output.getInfo().getShape()[1];
            float[][] out = new float[n][classes];
            for (float[] row : out) {
                values.get(row);
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + n + " texts: " + e.getMessage(), e);
        }
    }
}
