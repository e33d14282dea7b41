package com.example.sentiment.ml;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Writes a classifier's networks (one, or the members of an ensemble) as one ONNX graph for ONNX Runtime's CPU
 * {@code LSTM} operator, from their weights, for every {@link LstmArchitecture}:
 * <pre>
 * ids int64 [n, T] -> Transpose [T, n] -> Gather(embedding) [T, n, E]   (or: steps float [n, T, E] -> Transpose)
 *   -> LSTM(sequence_lens = lengths int32 [n]; forward or bidirectional) -> Y [T, D, n, H], Y_h [D, n, H]
 *   (stacked layers: each lower one's Y -> Transpose, Reshape [T, n, D x H] -> the next LSTM)
 *   -> summary [n, S] (each pooling's block, each of D x H) -> Gemm(dense) -> Softmax (Sigmoid for a multi-label network) -> probabilities [n, C]
 * </pre>
 * An ensemble's members share the inputs and the masks, and the graph's output is the {@code Mean} of their
 * probabilities, as {@link TextClassifier} averages them.
 *
 * <p>With {@code sequence_lens}, ONNX Runtime stops each text at its length and runs the backward direction
 * over each text reversed within its length (as {@link FusedLstmForward} does), so {@code Y_h} holds each
 * direction's final state: the last-step pooling needs no further op. Max and mean pooling read only real
 * steps, through a mask built in the graph from the lengths ({@code Range(T) < lengths}). DL4J's
 * {@code LastTimeStep(Bidirectional)} takes the backward output at the text's last position instead, picked
 * with a mask of that position. Dropout does nothing at inference and has no node.
 *
 * <p>The protobuf classes are the generated {@code onnx.Onnx} ones that {@code org.nd4j:nd4j-api} (already a
 * dependency) ships for its own ONNX import, on its shaded protobuf runtime.
 */
final class OnnxClassifierGraph {

    /** Graph inputs: token ids {@code int64 [n, T]}, or step vectors {@code float [n, T, E]}, and lengths. */
    static final String IDS = "ids";
    static final String STEPS = "steps";
    static final String LENGTHS = "lengths";
    static final String PROBABILITIES = "probabilities";

    // IR version 8 (ONNX 1.10) with opset 14: every field written here already existed in IR 7, the newest
    // these generated classes name, and ONNX Runtime reads both
    private static final long IR_VERSION = 8;
    private static final long OPSET = 14;

    // ONNX's gate blocks inside 4H
    private static final int[] GATE_ORDER = {LstmArchitecture.INPUT, LstmArchitecture.OUTPUT, LstmArchitecture.FORGET,
            LstmArchitecture.CELL};

    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder().setName("lstm-classifier");
    private final LstmArchitecture architecture;
    private final int directions;
    private final long units;

    private OnnxClassifierGraph(LstmArchitecture architecture) {
        this.architecture = architecture;
        this.directions = architecture.directions().size();
        this.units = architecture.units();
    }

    /**
     * The serialised ONNX model of {@code members} (a single network, or an ensemble's networks of one
     * architecture); refuses networks that are not an {@link LstmArchitecture}.
     */
    static byte[] of(List<MultiLayerNetwork> members) {
        LstmArchitecture architecture = architecture(members.get(0));
        for (MultiLayerNetwork member : members) {
            LstmArchitecture other = architecture(member);
            if (other.units() != architecture.units() || !other.poolings().equals(architecture.poolings())
                    || other.directions().size() != architecture.directions().size()
                    || other.layers() != architecture.layers()
                    || other.readsWordIds() != architecture.readsWordIds()
                    || other.backwardLastIsFirstStep() != architecture.backwardLastIsFirstStep()) {
                throw new IllegalArgumentException("ensemble members must share one architecture");
            }
        }
        return new OnnxClassifierGraph(architecture).build(members);
    }

    private static LstmArchitecture architecture(MultiLayerNetwork network) {
        return LstmArchitecture.of(network).orElseThrow(() -> new IllegalArgumentException(
                "not an architecture the service trains: an embedding or encoder states, an LSTM, a summary, "
                        + "dropout and a softmax output layer"));
    }

    private byte[] build(List<MultiLayerNetwork> members) {
        MultiLayerNetwork first = members.get(0);
        long classes = first.layerSize(architecture.outputLayer());
        long inputSize = first.getParam(architecture.directions().get(0) + "W").size(0);
        String x;
        if (architecture.readsWordIds()) {
            graph.addInput(value(IDS, Onnx.TensorProto.DataType.INT64, "n", "T"));
            // the ids, not the vectors, go time-major: the gathered steps are then in the LSTM's layout
            node("Transpose", List.of(IDS), "ids_by_step", integers("perm", 1, 0));
            x = null;
        } else {
            graph.addInput(value(STEPS, Onnx.TensorProto.DataType.FLOAT, "n", "T", inputSize));
            x = node("Transpose", List.of(STEPS), "x", integers("perm", 1, 0, 2));
        }
        graph.addInput(value(LENGTHS, Onnx.TensorProto.DataType.INT32, "n"));
        graph.addOutput(value(PROBABILITIES, Onnx.TensorProto.DataType.FLOAT, "n", classes));
        Masks masks = masks(architecture.readsWordIds() ? IDS : STEPS);

        List<String> probabilities = new ArrayList<>();
        for (int m = 0; m < members.size(); m++) {
            String output = members.size() == 1 ? PROBABILITIES : "m" + m + ".probabilities";
            member(members.get(m), "m" + m + ".", x, masks, output);
            probabilities.add(output);
        }
        if (members.size() > 1) {
            node("Mean", probabilities, PROBABILITIES);
        }
        return Onnx.ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("sentiment-service")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph).build().toByteArray();
    }

    /**
     * Names of what the summary reads beside the LSTM's outputs, each null when it is not needed: {@code [n, T, 1]}
     * booleans of the real steps (max and mean pooling) and of each text's last position (the backward half of
     * DL4J's last step over both directions), and the lengths as a float column {@code [n, 1]} (mean pooling).
     */
    private record Masks(String real, String last, String lengths) {
    }

    private Masks masks(String input) {
        boolean pooled = architecture.poolings().contains(HyperParameters.Pooling.MAX)
                || architecture.poolings().contains(HyperParameters.Pooling.MEAN);
        if (!pooled && !architecture.backwardLastIsFirstStep()) {
            return new Masks(null, null, null);
        }
        graph.addInitializer(longs("zero", new long[0], 0))
                .addInitializer(longs("one", new long[0], 1))
                .addInitializer(longs("axis_1", new long[] {1}, 1))
                .addInitializer(longs("axis_2", new long[] {1}, 2));
        String shape = node("Shape", List.of(input), "input_shape");
        String width = node("Gather", List.of(shape, "one"), "width", integer("axis", 0));
        String positions = node("Range", List.of("zero", width, "one"), "positions");
        String lengths = node("Cast", List.of(LENGTHS), "lengths_int64",
                integer("to", Onnx.TensorProto.DataType.INT64_VALUE));
        String column = node("Unsqueeze", List.of(lengths, "axis_1"), "lengths_column");
        String real = null;
        String lengthsFloat = null;
        if (pooled) {
            String steps = node("Less", List.of(positions, column), "real_steps");
            real = node("Unsqueeze", List.of(steps, "axis_2"), "real_mask");
            lengthsFloat = node("Cast", List.of(column), "lengths_float",
                    integer("to", Onnx.TensorProto.DataType.FLOAT_VALUE));
        }
        String last = null;
        if (architecture.backwardLastIsFirstStep()) {
            String lastPosition = node("Sub", List.of(column, "one"), "last_position");
            String isLast = node("Equal", List.of(positions, lastPosition), "last_step");
            last = node("Unsqueeze", List.of(isLast, "axis_2"), "last_mask");
        }
        return new Masks(real, last, lengthsFloat);
    }

    /** One network from the shared input {@code x} (null: its own embedding of the ids) to {@code output}. */
    private void member(MultiLayerNetwork network, String p, String x, Masks masks, String output) {
        int h = (int) units;
        if (x == null) {
            INDArray embedding = network.getParam("0_W");
            graph.addInitializer(tensor(p + "embedding", embedding, embedding.shape()));
            x = node("Gather", List.of(p + "embedding", "ids_by_step"), p + "x", integer("axis", 0));
        }
        for (int l = 0; l < architecture.layers() - 1; l++) {
            // a lower layer of a stack: every step's output, [T, D, n, H] -> [T, n, D x H], is the next one's input
            String q = p + "l" + l + ".";
            lstm(network, l, x, q, List.of(q + "Y"));
            graph.addInitializer(longs(q + "next_shape", new long[] {3}, 0, 0, (long) directions * h));
            String byStep = node("Transpose", List.of(q + "Y"), q + "Y_by_step", integers("perm", 0, 2, 1, 3));
            x = node("Reshape", List.of(byStep, q + "next_shape"), q + "next");
        }
        boolean needsSteps = masks.real() != null || masks.last() != null;
        // Y (every step's output) only when a summary reads it: an empty name leaves it out
        lstm(network, architecture.layers() - 1, x, p, List.of(needsSteps ? p + "Y" : "", p + "Y_h"));
        String steps = null;
        if (needsSteps) {
            // [T, D, n, H] -> [n, T, D x H]: each step's directions side by side, forward first
            graph.addInitializer(longs(p + "steps_shape", new long[] {3}, 0, 0, (long) directions * h));
            String byText = node("Transpose", List.of(p + "Y"), p + "Y_by_text", integers("perm", 2, 0, 1, 3));
            steps = node("Reshape", List.of(byText, p + "steps_shape"), p + "steps");
        }
        List<String> blocks = new ArrayList<>();
        for (HyperParameters.Pooling pooling : architecture.poolings()) {
            String name = p + pooling.name().toLowerCase(java.util.Locale.ROOT);
            blocks.add(switch (pooling) {
                case LAST -> masks.last() != null
                        ? node("ReduceSum", List.of(where(masks.last(), steps, p, 0f), "axis_1"), name,
                                integer("keepdims", 0))
                        : finalStates(p, name);
                case MAX -> node("ReduceMax", List.of(where(masks.real(), steps, p, Float.NEGATIVE_INFINITY)), name,
                        integers("axes", 1), integer("keepdims", 0));
                case MEAN -> node("Div", List.of(node("ReduceSum", List.of(where(masks.real(), steps, p, 0f), "axis_1"),
                        name + "_sum", integer("keepdims", 0)), masks.lengths()), name);
                case LAST_MAX -> throw new IllegalArgumentException("pass LAST_MAX as its parts");
            });
        }
        String summary = blocks.size() == 1 ? blocks.get(0) : node("Concat", blocks, p + "summary", integer("axis", 1));
        int out = architecture.outputLayer();
        INDArray dense = network.getParam(out + "_W");
        INDArray denseBias = network.getParam(out + "_b");
        graph.addInitializer(tensor(p + "dense_W", dense, dense.shape()))
                .addInitializer(tensor(p + "dense_b", denseBias, denseBias.length()));
        String logits = node("Gemm", List.of(summary, p + "dense_W", p + "dense_b"), p + "logits");
        if (LstmArchitecture.endsInSigmoids(network)) {
            // a multi-label network: each label's probability on its own
            node("Sigmoid", List.of(logits), output);
        } else {
            node("Softmax", List.of(logits), output, integer("axis", -1));
        }
    }

    /** An {@code LSTM} node of stacked layer {@code layer}'s weights over {@code x}, its outputs {@code Y, Y_h}. */
    private void lstm(MultiLayerNetwork network, int layer, String x, String p, List<String> outputs) {
        int h = (int) units;
        List<INDArray> input = new ArrayList<>();
        List<INDArray> recurrent = new ArrayList<>();
        List<INDArray> bias = new ArrayList<>();
        for (int d = 0; d < directions; d++) {
            FusedLstmPass.Weights w = architecture.weights(network, layer, d, GATE_ORDER);
            input.add(w.input().transpose());
            recurrent.add(w.recurrent().transpose());
            // B = [Wb, Rb]: DL4J has one bias per gate, so the recurrent half is 0
            bias.add(w.bias());
            bias.add(w.bias().like().assign(0));
        }
        long inputSize = input.get(0).size(1);
        graph.addInitializer(tensor(p + "W", input, directions, 4L * h, inputSize))
                .addInitializer(tensor(p + "R", recurrent, directions, 4L * h, h))
                .addInitializer(tensor(p + "B", bias, directions, 8L * h));
        List<Onnx.AttributeProto> attributes = new ArrayList<>(List.of(integer("hidden_size", h)));
        if (directions == 2) {
            attributes.add(string("direction", "bidirectional"));
        }
        graph.addNode(node("LSTM", List.of(x, p + "W", p + "R", p + "B", LENGTHS), outputs, attributes));
    }

    /** Each direction's final state, {@code [n, D x H]}, from the LSTM's {@code Y_h} {@code [D, n, H]}. */
    private String finalStates(String p, String name) {
        graph.addInitializer(longs(p + "summary_shape", new long[] {2}, -1, directions * units));
        String states = directions == 1 ? p + "Y_h"
                : node("Transpose", List.of(p + "Y_h"), p + "Y_h_by_text", integers("perm", 1, 0, 2));
        return node("Reshape", List.of(states, p + "summary_shape"), name);
    }

    /** {@code steps} where {@code mask} holds, {@code otherwise} elsewhere. */
    private String where(String mask, String steps, String p, float otherwise) {
        String name = p + mask + (otherwise == 0f ? "_or_zero" : "_or_minus_infinity");
        String constant = name + "_value";
        graph.addInitializer(floatTensor(constant, List.of(), new float[] {otherwise}));
        return node("Where", List.of(mask, steps, constant), name);
    }

    private String node(String op, List<String> inputs, String output, Onnx.AttributeProto... attributes) {
        graph.addNode(node(op, inputs, List.of(output), List.of(attributes)));
        return output;
    }

    private static Onnx.NodeProto node(String op, List<String> inputs, List<String> outputs,
                                       List<Onnx.AttributeProto> attributes) {
        Onnx.NodeProto.Builder node = Onnx.NodeProto.newBuilder().setOpType(op)
                .setName(outputs.get(outputs.size() - 1) + "_" + op.toLowerCase(java.util.Locale.ROOT));
        inputs.forEach(node::addInput);
        outputs.forEach(node::addOutput);
        attributes.forEach(node::addAttribute);
        return node.build();
    }

    /** A float tensor of {@code shape} from the arrays' values laid end to end, each in row-major order. */
    private static Onnx.TensorProto tensor(String name, List<INDArray> arrays, long... shape) {
        long count = 0;
        for (INDArray a : arrays) {
            count += a.length();
        }
        float[] values = new float[Math.toIntExact(count)];
        int offset = 0;
        for (INDArray a : arrays) {
            float[] part = a.castTo(DataType.FLOAT).dup('c').reshape(a.length()).toFloatVector();
            System.arraycopy(part, 0, values, offset, part.length);
            offset += part.length;
        }
        return floatTensor(name, boxed(shape), values);
    }

    private static Onnx.TensorProto tensor(String name, INDArray array, long... shape) {
        return tensor(name, List.of(array), shape);
    }

    private static List<Long> boxed(long[] shape) {
        List<Long> out = new ArrayList<>();
        for (long d : shape) {
            out.add(d);
        }
        return out;
    }

    /** A float tensor (little-endian raw data, as ONNX stores it); no dimensions make a scalar. */
    private static Onnx.TensorProto floatTensor(String name, List<Long> shape, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer floats = raw.asFloatBuffer();
        floats.put(values);
        return Onnx.TensorProto.newBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                .addAllDims(shape).setRawData(ByteString.copyFrom(raw)).build();
    }

    private static Onnx.TensorProto longs(String name, long[] shape, long... values) {
        Onnx.TensorProto.Builder tensor = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.INT64_VALUE);
        for (long d : shape) {
            tensor.addDims(d);
        }
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

    private static Onnx.AttributeProto string(String name, String value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }
}
