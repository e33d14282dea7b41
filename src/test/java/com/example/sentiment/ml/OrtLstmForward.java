package com.example.sentiment.ml;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A network's forward pass on ONNX Runtime ({@link OnnxLstmGraph}), one intra-op and one inter-op thread as
 * {@link OnnxEncoder} opens its sessions: the probe's counterpart of {@link FusedLstmForward}.
 */
final class OrtLstmForward implements AutoCloseable {

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtLstmForward(MultiLayerNetwork network) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(OnnxLstmGraph.of(network), options);
        }
    }

    /**
     * Class probabilities, one row per sequence of token ids, in their order: end-padded with id 0 to the
     * longest, each text's length given to the LSTM (an empty text reads as one padding step, as
     * {@link TokenIds} reads it).
     */
    float[][] probabilities(int[][] sequences) throws OrtException {
        int n = sequences.length;
        int[] lengths = new int[n];
        int width = 1;
        for (int r = 0; r < n; r++) {
            lengths[r] = Math.max(1, sequences[r].length);
            width = Math.max(width, lengths[r]);
        }
        long[] ids = new long[n * width];
        for (int r = 0; r < n; r++) {
            for (int t = 0; t < sequences[r].length; t++) {
                ids[r * width + t] = sequences[r][t];
            }
        }
        try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), new long[] {n, width});
             OnnxTensor lengthTensor = OnnxTensor.createTensor(environment, IntBuffer.wrap(lengths), new long[] {n});
             OrtSession.Result result = session.run(Map.of(OnnxLstmGraph.IDS, idTensor, OnnxLstmGraph.LENGTHS,
                     lengthTensor), Set.of(OnnxLstmGraph.PROBABILITIES))) {
            OnnxTensor output = (OnnxTensor) result.get(0);
            FloatBuffer values = output.getFloatBuffer();
            int classes = (int) output.getInfo().getShape()[1];
            float[][] rows = new float[n][classes];
            for (float[] row : rows) {
                values.get(row);
            }
            return rows;
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
