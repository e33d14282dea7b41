package com.example.sentiment.ml;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Writes a word-id network with one LSTM direction and last-step pooling (the bundled model's architecture, on
 * DL4J's {@code LSTM} in {@code LastTimeStep} or on the {@link FusedLstm} layer) as an ONNX graph for ONNX
 * Runtime's CPU {@code LSTM} operator (issue 26's probe):
 * {@code ids int64 [n, T], lengths int32 [n] -> Gather(embedding) -> Transpose [T, n, E] -> LSTM(sequence_lens)
 * -> Y_h [1, n, H] -> Reshape [n, H] -> Gemm(dense) -> Softmax -> probabilities [n, C]}.
 *
 * <p>With {@code sequence_lens}, ONNX Runtime stops each text at its length, so {@code Y_h} is the hidden state
 * of its last real step: the last-step pooling needs no further op. The protobuf classes are the generated
 * {@code onnx.Onnx} ones that {@code org.nd4j:nd4j-api} 1.0.0-M2.1 (already a dependency, from Maven Central)
 * ships for its own ONNX import, on its shaded protobuf runtime ({@code org.nd4j:protobuf}): nothing added to
 * the build.
 */
final class OnnxLstmGraph {

    static final String IDS = "ids";
    static final String LENGTHS = "lengths";
    static final String PROBABILITIES = "probabilities";

    // IR version 8 (ONNX 1.10) with opset 14: every field written here already existed in IR 7, the newest
    // these generated classes name, and ONNX Runtime 1.29 reads both
    private static final long IR_VERSION = 8;
    private static final long OPSET = 14;

    // ONNX's gate blocks inside 4H are [input, output, forget, cell]; each entry is the block it takes from
    // DL4J's LSTM, whose blocks are [cell (block input), forget, output, input] (as FusedLstmForward reads them)
    private static final int[] FROM_DL4J = {3, 2, 1, 0};
    // ... and from the fused layer's [input, forget, output, cell] (FusedLstmParams)
    private static final int[] FROM_FUSED = {0, 2, 1, 3};

    private OnnxLstmGraph() {
    }

    /** The serialised ONNX model of {@code network}; refuses an architecture other than the one above. */
    static byte[] of(MultiLayerNetwork network) {
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        int layers = network.getnLayers();
        if (!(conf.getConf(0).getLayer() instanceof EmbeddingSequenceLayer)
                || !(conf.getConf(layers - 1).getLayer() instanceof OutputLayer output)
                || !(output.getActivationFn() instanceof ActivationSoftmax)) {
            throw new IllegalArgumentException("not an embedding, an LSTM and a softmax output layer");
        }
        for (int i = 2; i < layers - 1; i++) {
            // dropout does nothing at inference
            if (!(conf.getConf(i).getLayer() instanceof DropoutLayer)) {
                throw new IllegalArgumentException("layer " + i + " is neither the LSTM nor dropout");
            }
        }
        Layer recurrent = conf.getConf(1).getLayer();
        int[] from;
        long units;
        if (recurrent instanceof LastTimeStep last && last.getUnderlying() instanceof LSTM lstm
                && lstm.getActivationFn() instanceof ActivationTanH
                && lstm.getGateActivationFn() instanceof ActivationSigmoid) {
            from = FROM_DL4J;
            units = lstm.getNOut();
        } else if (recurrent instanceof FusedLstm lstm && !lstm.isBidirectional()
                && lstm.getPoolings().equals(List.of(HyperParameters.Pooling.LAST))) {
            from = FROM_FUSED;
            units = lstm.getNOut();
        } else {
            throw new IllegalArgumentException("the probe covers one LSTM direction with last-step pooling only");
        }
        INDArray embedding = network.getParam("0_W");
        int h = (int) units;
        float[][] input = floats(network.getParam("1_W"));      // [E, 4H]
        float[][] recurrentWeights = floats(network.getParam("1_RW")); // [H, 4H]
        float[] bias = floats(network.getParam("1_b").reshape(1, 4L * h))[0];
        int out = layers - 1;
        float[][] dense = floats(network.getParam(out + "_W"));  // [H, C]
        float[] denseBias = floats(network.getParam(out + "_b").reshape(1, -1))[0];
        long classes = denseBias.length;

        Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder().setName("lstm-classifier")
                .addInput(value(IDS, Onnx.TensorProto.DataType.INT64, "n", "T"))
                .addInput(value(LENGTHS, Onnx.TensorProto.DataType.INT32, "n"))
                .addOutput(value(PROBABILITIES, Onnx.TensorProto.DataType.FLOAT, "n", classes))
                .addInitializer(tensor("embedding", floats(embedding), embedding.size(0), embedding.size(1)))
                .addInitializer(tensor("W", gatesByRow(input, h, from), 1, 4L * h, input.length))
                .addInitializer(tensor("R", gatesByRow(recurrentWeights, h, from), 1, 4L * h, h))
                // B = [Wb, Rb]: DL4J has one bias per gate, so the recurrent half is 0
                .addInitializer(tensor("B", new float[][] {concat(gates(bias, h, from), new float[4 * h])}, 1, 8L * h))
                .addInitializer(longs("hidden_shape", -1, h))
                .addInitializer(tensor("dense_W", dense, h, classes))
                .addInitializer(tensor("dense_b", new float[][] {denseBias}, classes));
        graph.addNode(node("Gather", List.of("embedding", IDS), List.of("embedded"), integer("axis", 0)));
        graph.addNode(node("Transpose", List.of("embedded"), List.of("steps"), integers("perm", 1, 0, 2)));
        // Y is not asked for (empty name); Y_h is [directions, n, H]
        graph.addNode(node("LSTM", List.of("steps", "W", "R", "B", LENGTHS), List.of("", "last"),
                integer("hidden_size", h)));
        graph.addNode(node("Reshape", List.of("last", "hidden_shape"), List.of("summary")));
        graph.addNode(node("Gemm", List.of("summary", "dense_W", "dense_b"), List.of("logits")));
        graph.addNode(node("Softmax", List.of("logits"), List.of(PROBABILITIES), integer("axis", -1)));
        return Onnx.ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("sentiment-service probe")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph).build().toByteArray();
    }

    /** {@code [rows, 4H]} with DL4J's gate order to ONNX's {@code [4H, rows]}, gates reordered. */
    private static float[][] gatesByRow(float[][] weights, int h, int[] from) {
        float[][] out = new float[4 * h][weights.length];
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < h; j++) {
                for (int r = 0; r < weights.length; r++) {
                    out[k * h + j][r] = weights[r][from[k] * h + j];
                }
            }
        }
        return out;
    }

    private static float[] gates(float[] bias, int h, int[] from) {
        float[] out = new float[4 * h];
        for (int k = 0; k < 4; k++) {
            System.arraycopy(bias, from[k] * h, out, k * h, h);
        }
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static float[][] floats(INDArray array) {
        return array.castTo(DataType.FLOAT).toFloatMatrix();
    }

    /** A float tensor of {@code shape} from rows laid end to end (little-endian raw data, as ONNX stores it). */
    private static Onnx.TensorProto tensor(String name, float[][] rows, long... shape) {
        int count = java.util.Arrays.stream(rows).mapToInt(r -> r.length).sum();
        ByteBuffer raw = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        java.nio.FloatBuffer values = raw.asFloatBuffer();
        for (float[] row : rows) {
            values.put(row);
        }
        Onnx.TensorProto.Builder tensor = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(raw));
        for (long d : shape) {
            tensor.addDims(d);
        }
        return tensor.build();
    }

    private static Onnx.TensorProto longs(String name, long... values) {
        Onnx.TensorProto.Builder tensor = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long v : values) {
            tensor.addInt64Data(v);
        }
        return tensor.build();
    }

    /** A graph input or output: dimensions are sizes (Long/Integer) or names (String) of free sizes. */
    private static Onnx.ValueInfoProto value(String name, Onnx.TensorProto.DataType type, Object... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof String param ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(param)
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    private static Onnx.NodeProto node(String op, List<String> inputs, List<String> outputs,
                                       Onnx.AttributeProto... attributes) {
        Onnx.NodeProto.Builder node = Onnx.NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase());
        inputs.forEach(node::addInput);
        outputs.forEach(node::addOutput);
        for (Onnx.AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        return node.build();
    }

    private static Onnx.AttributeProto integer(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    private static Onnx.AttributeProto integers(String name, long... values) {
        Onnx.AttributeProto.Builder attribute = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            attribute.addInts(v);
        }
        return attribute.build();
    }
}
