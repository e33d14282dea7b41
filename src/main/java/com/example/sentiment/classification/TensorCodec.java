package com.example.sentiment.classification;

import static com.example.sentiment.system.ProblemException.printable;

import com.example.sentiment.ml.Prediction;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol's tensors for this service's models, and the request and response that carry
 * them. A model has one input, {@code text} (BYTES, shape [N]: N texts), and three outputs, {@code label}
 * (BYTES, [N]), {@code probabilities} (FP32, [N, K], row-major, the columns in the model's label order) and
 * {@code chunks} (INT32, [N]: the windows each text was read in, as {@code /api/v1/classify} answers it).
 * Decoding checks a request against that and refuses it with a {@link ProtocolException} (400) that says what
 * is wrong; encoding lays predictions out as the outputs asked for.
 */
final class TensorCodec {

    static final String INPUT = "text";
    static final String LABEL_OUTPUT = "label";
    static final String PROBABILITIES_OUTPUT = "probabilities";
    /** A multi-label model's decisions: BOOL [N, K], true where a label's probability reaches its threshold. */
    static final String LABELS_OUTPUT = "labels";
    /** The windows each text was read in: INT32 [N], 1 unless a long text was read in overlapping windows. */
    static final String CHUNKS_OUTPUT = "chunks";

    private TensorCodec() {
    }

    /**
     * What an inference request asks for.
     *
     * @param texts the elements of the input tensor, in row-major order
     * @param outputs the output names to answer, in the order asked (label, probabilities and chunks when none
     *     is named), each once
     */
    record Decoded(List<String> texts, List<String> outputs) {
    }

    /** The request's texts and wanted outputs, checked against the protocol: name, datatype, shape, data. */
    static Decoded decode(InferRequest request) {
        return new Decoded(texts(request.inputs()), wantedOutputs(request.outputs()));
    }

    private static List<String> texts(List<InputTensor> inputs) {
        if (inputs == null || inputs.isEmpty()) {
            throw ProtocolException.badRequest("inputs: one input tensor named '" + INPUT + "' is required");
        }
        for (InputTensor input : inputs) {
            if (!INPUT.equals(input.name())) {
                throw ProtocolException.badRequest("unknown input '" + printable(input.name()) + "': this model has "
                        + "one input, '" + INPUT + "'");
            }
        }
        if (inputs.size() > 1) {
            throw ProtocolException.badRequest("input '" + INPUT + "' is given " + inputs.size() + " times");
        }
        InputTensor input = inputs.get(0);
        if (!"BYTES".equals(input.datatype())) {
            throw ProtocolException.badRequest("input '" + INPUT + "' must have datatype BYTES, got "
                    + (input.datatype() == null ? "none" : "'" + printable(input.datatype()) + "'"));
        }
        if (input.shape() == null || input.shape().size() != 1 || input.shape().get(0) == null || input.shape().get(0) < 0) {
            throw ProtocolException.badRequest("input '" + INPUT + "' must have shape [N] (one dimension, the number "
                    + "of texts), got " + input.shape());
        }
        List<String> texts = new ArrayList<>();
        flatten(input.data(), texts);
        if (texts.size() != input.shape().get(0)) {
            throw ProtocolException.badRequest("input '" + INPUT + "' has shape " + input.shape() + " but "
                    + texts.size() + " data element" + (texts.size() == 1 ? "" : "s"));
        }
        return texts;
    }

    /** Data may be flat or nested (row-major); every element of a BYTES tensor here is a string. */
    private static void flatten(Object data, List<String> out) {
        if (data instanceof List<?> list) {
            for (Object element : list) {
                flatten(element, out);
            }
        } else if (data instanceof String text) {
            out.add(text);
        } else {
            throw ProtocolException.badRequest("input '" + INPUT + "' data must be an array of strings"
                    + (data == null ? "" : ", found " + data.getClass().getSimpleName().toLowerCase()));
        }
    }

    private static List<String> wantedOutputs(List<RequestedOutput> requested) {
        if (requested == null || requested.isEmpty()) {
            return List.of(LABEL_OUTPUT, PROBABILITIES_OUTPUT, CHUNKS_OUTPUT);
        }
        List<String> names = new ArrayList<>();
        for (RequestedOutput output : requested) {
            if (!LABEL_OUTPUT.equals(output.name()) && !PROBABILITIES_OUTPUT.equals(output.name())
                    && !CHUNKS_OUTPUT.equals(output.name()) && !LABELS_OUTPUT.equals(output.name())) {
                throw ProtocolException.badRequest("unknown output '" + printable(output.name()) + "': the outputs are '"
                        + LABEL_OUTPUT + "', '" + PROBABILITIES_OUTPUT + "', '" + CHUNKS_OUTPUT
                        + "' and (multi-label models) '" + LABELS_OUTPUT + "'");
            }
            if (!names.contains(output.name())) {
                names.add(output.name());
            }
        }
        return names;
    }

    /**
     * The output tensors of {@code outputs} (names as {@link Decoded#outputs()} gives them).
     *
     * @param labels the model's labels: the column order of the probabilities
     */
    static List<OutputTensor> encode(List<String> outputs, List<String> labels, List<Prediction> predictions) {
        List<OutputTensor> tensors = new ArrayList<>();
        for (String output : outputs) {
            if (output.equals(LABEL_OUTPUT)) {
                tensors.add(new OutputTensor(LABEL_OUTPUT, "BYTES", List.of(predictions.size()),
                        predictions.stream().map(Prediction::label).toList()));
            } else if (output.equals(CHUNKS_OUTPUT)) {
                tensors.add(new OutputTensor(CHUNKS_OUTPUT, "INT32", List.of(predictions.size()),
                        predictions.stream().map(Prediction::chunks).toList()));
            } else if (output.equals(LABELS_OUTPUT)) {
                // a single-label model's one decision per text is its top label
                List<Boolean> chosen = new ArrayList<>(predictions.size() * labels.size());
                for (Prediction p : predictions) {
                    labels.forEach(label -> chosen.add(p.labels() != null ? p.labels().contains(label)
                            : label.equals(p.label())));
                }
                tensors.add(new OutputTensor(LABELS_OUTPUT, "BOOL", List.of(predictions.size(), labels.size()),
                        chosen));
            } else {
                List<Float> probabilities = new ArrayList<>(predictions.size() * labels.size());
                for (Prediction p : predictions) {
                    labels.forEach(label -> probabilities.add(p.scores().get(label).floatValue()));
                }
                tensors.add(new OutputTensor(PROBABILITIES_OUTPUT, "FP32", List.of(predictions.size(), labels.size()),
                        probabilities));
            }
        }
        return tensors;
    }

    /** The input's description in model metadata (-1: any number of texts). */
    static List<TensorMetadata> inputMetadata() {
        return List.of(new TensorMetadata(INPUT, "BYTES", List.of(-1)));
    }

    /** The outputs' description in model metadata, for a model of {@code labels} labels. */
    static List<TensorMetadata> outputMetadata(int labels) {
        return List.of(new TensorMetadata(LABEL_OUTPUT, "BYTES", List.of(-1)),
                new TensorMetadata(PROBABILITIES_OUTPUT, "FP32", List.of(-1, labels)),
                new TensorMetadata(CHUNKS_OUTPUT, "INT32", List.of(-1)));
    }

    /** A tensor's name, datatype and shape (-1: any size). */
    record TensorMetadata(String name, String datatype, List<Integer> shape) {
    }

    /** An inference request. */
    @Schema(example = "{\"id\":\"42\",\"inputs\":[{\"name\":\"text\",\"shape\":[2],\"datatype\":\"BYTES\","
            + "\"data\":[\"A moving, beautifully acted film.\",\"Dull and far too long.\"]}]}")
    record InferRequest(String id, Map<String, Object> parameters, List<InputTensor> inputs,
                        List<RequestedOutput> outputs) {
    }

    /** An input tensor; {@code data} flat or nested, row-major. */
    record InputTensor(String name, List<Long> shape, String datatype, Map<String, Object> parameters,
                       @Schema(type = "array", example = "[\"A moving, beautifully acted film.\"]") Object data) {
    }

    /** An output the client asks for; without any, every output is returned. */
    record RequestedOutput(String name, Map<String, Object> parameters) {
    }

    /** An output tensor. */
    record OutputTensor(String name, String datatype, List<Integer> shape, List<?> data) {
    }

    /** The inference answer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InferResponse(@JsonProperty("model_name") String modelName, @JsonProperty("model_version") String modelVersion,
                         String id, List<OutputTensor> outputs) {
    }
}
