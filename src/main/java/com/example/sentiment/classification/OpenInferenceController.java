package com.example.sentiment.classification;

import static com.example.sentiment.system.ProblemException.printable;

import com.example.sentiment.ml.Prediction;
import com.example.sentiment.model.ModelMetadata;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.model.NoActiveModelException;
import com.example.sentiment.model.StoredModel;
import com.example.sentiment.system.ProblemException;
import com.example.sentiment.system.RequestTooLargeException;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Open Inference Protocol (KServe V2 REST) over the same models: {@code sentiment} names the active
 * version, and any version id names that version. Inference goes through the same batcher, back-pressure and
 * metrics as {@code /api/v1/classify}. Errors are the protocol's {@code {"error": "..."}}, not problem details:
 * the handlers below answer for this controller only.
 */
@RestController
@RequestMapping(path = "/v2", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Open Inference Protocol", description = "KServe V2 REST: server and model metadata, health, "
        + "inference. Errors are {\"error\": \"...\"}")
class OpenInferenceController {

    static final String ALIAS = "sentiment";
    static final String INPUT = "text";
    static final String LABEL_OUTPUT = "label";
    static final String PROBABILITIES_OUTPUT = "probabilities";
    private static final Logger log = LoggerFactory.getLogger(OpenInferenceController.class);

    private final ClassificationService classification;
    private final ModelService models;
    private final ApplicationAvailability availability;
    private final String serverVersion;

    OpenInferenceController(ClassificationService classification, ModelService models,
                            ApplicationAvailability availability) {
        this.classification = classification;
        this.models = models;
        this.availability = availability;
        String version = OpenInferenceController.class.getPackage().getImplementationVersion();
        this.serverVersion = version != null ? version : "dev";
    }

    @GetMapping
    @Operation(summary = "Server metadata")
    ServerMetadata server() {
        return new ServerMetadata("sentiment-service", serverVersion, List.of());
    }

    @GetMapping("/health/live")
    @Operation(summary = "Server liveness", description = "200 when live, 503 when not")
    ResponseEntity<Live> live() {
        boolean live = availability.getLivenessState() == LivenessState.CORRECT;
        return ResponseEntity.status(live ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(new Live(live));
    }

    @GetMapping("/health/ready")
    @Operation(summary = "Server readiness", description = "200 when the service accepts traffic and a model is "
            + "active and loaded, 503 when not")
    ResponseEntity<Ready> ready() {
        boolean ready = availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC && models.active().isPresent();
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(new Ready(ready));
    }

    @GetMapping("/models/{name}")
    @Operation(summary = "Model metadata", description = "name: a version id, or \"sentiment\" for the active "
            + "version. Inputs, outputs and labels (the column order of the probabilities output).")
    ModelMetadataResponse model(@PathVariable String name) {
        return metadata(name, null);
    }

    @GetMapping("/models/{name}/versions/{version}")
    @Operation(summary = "Model version metadata", description = "name \"sentiment\" with any version id, or a "
            + "version id with itself as version")
    ModelMetadataResponse modelVersion(@PathVariable String name, @PathVariable String version) {
        return metadata(name, version);
    }

    @GetMapping("/models/{name}/ready")
    @Operation(summary = "Model readiness", description = "200 when the model can serve; 404 for an unknown model, "
            + "409 for a version that cannot be loaded, or for \"sentiment\" while no model is active")
    Ready modelReady(@PathVariable String name) {
        return readiness(name, null);
    }

    @GetMapping("/models/{name}/versions/{version}/ready")
    @Operation(summary = "Model version readiness")
    Ready modelVersionReady(@PathVariable String name, @PathVariable String version) {
        return readiness(name, version);
    }

    @PostMapping("/models/{name}/infer")
    @Operation(summary = "Inference", description = "One BYTES input named \"text\" of shape [N] (1 to "
            + "sentiment.classify.max-batch-size texts). Outputs: \"label\" (BYTES, [N]) and \"probabilities\" "
            + "(FP32, [N, K], row-major, columns in the metadata's label order); \"outputs\" in the request picks "
            + "some. Same batcher, back-pressure (503) and metrics as /api/v1/classify.")
    InferResponse infer(@PathVariable String name, @RequestBody InferRequest request) {
        return run(name, null, request);
    }

    @PostMapping("/models/{name}/versions/{version}/infer")
    @Operation(summary = "Inference on a model version")
    InferResponse inferVersion(@PathVariable String name, @PathVariable String version,
                               @RequestBody InferRequest request) {
        return run(name, version, request);
    }

    private InferResponse run(String name, String version, InferRequest request) {
        String id = versionId(name, version);
        List<String> texts = texts(request.inputs());
        List<String> wanted = wantedOutputs(request.outputs());
        ClassificationService.Inference inference = classification.infer(id, texts, INPUT);
        List<String> labels = inference.model().classifier().labels();
        List<Prediction> predictions = inference.predictions();
        List<OutputTensor> outputs = new ArrayList<>();
        for (String output : wanted) {
            if (output.equals(LABEL_OUTPUT)) {
                outputs.add(new OutputTensor(LABEL_OUTPUT, "BYTES", List.of(predictions.size()),
                        predictions.stream().map(Prediction::label).toList()));
            } else {
                List<Float> probabilities = new ArrayList<>(predictions.size() * labels.size());
                for (Prediction p : predictions) {
                    labels.forEach(label -> probabilities.add(p.scores().get(label).floatValue()));
                }
                outputs.add(new OutputTensor(PROBABILITIES_OUTPUT, "FP32", List.of(predictions.size(), labels.size()),
                        probabilities));
            }
        }
        return new InferResponse(name, inference.model().id(), request.id(), outputs);
    }

    /** The texts of the one input tensor, checked against the protocol: name, datatype, shape, data. */
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
            return List.of(LABEL_OUTPUT, PROBABILITIES_OUTPUT);
        }
        List<String> names = new ArrayList<>();
        for (RequestedOutput output : requested) {
            if (!LABEL_OUTPUT.equals(output.name()) && !PROBABILITIES_OUTPUT.equals(output.name())) {
                throw ProtocolException.badRequest("unknown output '" + printable(output.name()) + "': the outputs are '"
                        + LABEL_OUTPUT + "' and '" + PROBABILITIES_OUTPUT + "'");
            }
            if (!names.contains(output.name())) {
                names.add(output.name());
            }
        }
        return names;
    }

    /** The version a name (and optional version) stand for; 404 when there is none such. */
    private String versionId(String name, String version) {
        String id;
        if (ALIAS.equals(name)) {
            id = version != null ? version : models.active().map(ModelService.LoadedModel::id).orElseThrow(
                    () -> models.startupDone() ? NoActiveModelException.create() : NoActiveModelException.loading());
        } else {
            if (version != null && !version.equals(name)) {
                throw ProtocolException.notFound("model '" + printable(name) + "' has one version, '" + printable(name)
                        + "', not '" + printable(version) + "'");
            }
            id = name;
        }
        models.get(id);
        return id;
    }

    private ModelMetadataResponse metadata(String name, String version) {
        String id = versionId(name, version);
        StoredModel stored = models.get(id);
        ModelMetadata metadata = stored.metadata();
        if (metadata == null) {
            throw ProtocolException.conflict("model version " + id + " cannot be read: " + stored.problem());
        }
        List<String> labels = metadata.labels();
        return new ModelMetadataResponse(name, List.of(id), "deeplearning4j",
                List.of(new TensorMetadata(INPUT, "BYTES", List.of(-1))),
                List.of(new TensorMetadata(LABEL_OUTPUT, "BYTES", List.of(-1)),
                        new TensorMetadata(PROBABILITIES_OUTPUT, "FP32", List.of(-1, labels.size()))),
                labels);
    }

    /** 200, or a 4xx as the protocol asks of a model that is not ready (never 503). */
    private Ready readiness(String name, String version) {
        String id;
        try {
            id = versionId(name, version);
        } catch (NoActiveModelException e) {
            throw ProtocolException.conflict(e.getMessage());
        }
        StoredModel stored = models.get(id);
        if (!stored.usable()) {
            throw ProtocolException.conflict("model version " + stored.id() + " cannot be loaded: " + stored.problem());
        }
        return new Ready(true);
    }

    @ExceptionHandler(ProtocolException.class)
    ResponseEntity<InferenceError> protocolError(ProtocolException e) {
        return ResponseEntity.status(e.status).body(new InferenceError(e.getMessage()));
    }

    /** The service's own refusals (unknown model 404, invalid texts 400, busy or no model 503) in the protocol's form. */
    @ExceptionHandler(ProblemException.class)
    ResponseEntity<InferenceError> problem(ProblemException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status());
        if (e.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            response.header(HttpHeaders.RETRY_AFTER, "5");
        }
        return response.body(new InferenceError(e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<InferenceError> unreadable(HttpMessageNotReadableException e) {
        // a body over sentiment.classify.max-request-size, stopped while it was read (see RequestSizeLimitFilter)
        Optional<RequestTooLargeException> tooLarge = RequestTooLargeException.in(e);
        if (tooLarge.isPresent()) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(new InferenceError(tooLarge.get().getMessage()));
        }
        return ResponseEntity.badRequest().body(new InferenceError("the body is not a valid inference request "
                + "(a JSON object with \"inputs\"; unknown fields are refused)"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<InferenceError> mediaType(HttpMediaTypeNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .body(new InferenceError("Content-Type must be application/json"));
    }

    /** Spring cannot read a body whose Content-Type is a wildcard pattern ({@code *}{@code /*}): the client's 415. */
    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<InferenceError> illegalArgument(IllegalArgumentException e, HttpServletRequest request) {
        String type = request.getContentType();
        if (type != null && type.contains("*")) {
            try {
                MediaType media = MediaType.parseMediaType(type);
                if (media.isWildcardType() || media.isWildcardSubtype()) {
                    return mediaType(null);
                }
            } catch (InvalidMediaTypeException notAMediaType) {
                // not the wildcard case: a fault of the service, as below
            }
        }
        return unexpected(e);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<InferenceError> unexpected(Exception e) {
        log.error("Inference request failed", e);
        return ResponseEntity.internalServerError().body(new InferenceError("internal error (logged)"));
    }

    /** A refusal in the protocol's terms. */
    static final class ProtocolException extends RuntimeException {
        private final HttpStatus status;

        private ProtocolException(HttpStatus status, String message) {
            super(message);
            this.status = status;
        }

        static ProtocolException badRequest(String message) {
            return new ProtocolException(HttpStatus.BAD_REQUEST, message);
        }

        static ProtocolException notFound(String message) {
            return new ProtocolException(HttpStatus.NOT_FOUND, message);
        }

        static ProtocolException conflict(String message) {
            return new ProtocolException(HttpStatus.CONFLICT, message);
        }
    }

    /** The protocol's error body. */
    record InferenceError(@Schema(example = "input 'text' must have datatype BYTES, got 'FP32'") String error) {
    }

    record ServerMetadata(String name, String version, List<String> extensions) {
    }

    record Live(boolean live) {
    }

    record Ready(boolean ready) {
    }

    /** A tensor's name, datatype and shape (-1: any size). */
    record TensorMetadata(String name, String datatype, List<Integer> shape) {
    }

    /**
     * Model metadata.
     *
     * @param labels the labels, in the column order of the {@code probabilities} output
     */
    record ModelMetadataResponse(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
                                 List<TensorMetadata> outputs, List<String> labels) {
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
