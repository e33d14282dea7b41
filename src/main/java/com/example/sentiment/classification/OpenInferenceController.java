package com.example.sentiment.classification;

import static com.example.sentiment.system.ProblemException.printable;

import com.example.sentiment.classification.TensorCodec.InferRequest;
import com.example.sentiment.classification.TensorCodec.InferResponse;
import com.example.sentiment.classification.TensorCodec.TensorMetadata;
import com.example.sentiment.model.ModelMetadata;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.model.NoActiveModelException;
import com.example.sentiment.model.StoredModel;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Open Inference Protocol (KServe V2 REST) over the same models: {@code sentiment} names the active
 * version, and any version id names that version. Inference goes through the same batcher, back-pressure and
 * metrics as {@code /api/v1/classify}. The tensors are {@link TensorCodec}'s; errors are the protocol's
 * {@code {"error": "..."}}, not problem details, answered by {@link OpenInferenceErrors} for this controller only.
 */
@RestController
@RequestMapping(path = "/v2", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Open Inference Protocol", description = "KServe V2 REST: server and model metadata, health, "
        + "inference. Errors are {\"error\": \"...\"}")
class OpenInferenceController {

    static final String ALIAS = "sentiment";

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
            + "(FP32, [N, K], row-major, columns in the metadata's label order) and \"chunks\" (INT32, [N]: the windows "
            + "each text was read in, more than 1 for a long text read in overlapping windows, as /api/v1/classify's "
            + "chunks); for a multi-label version also "
            + "\"labels\" (BOOL, [N, K]: each label over its threshold, same column order); \"outputs\" in the request picks "
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
        TensorCodec.Decoded decoded = TensorCodec.decode(request);
        // the alias without a version means "whatever serves": the active version, or the canary for its share
        ClassificationService.Inference inference = classification.infer(ALIAS.equals(name) && version == null
                ? null : id, decoded.texts(), TensorCodec.INPUT);
        List<String> outputs = decoded.outputs();
        if ((request.outputs() == null || request.outputs().isEmpty()) && inference.model().classifier().multiLabel()) {
            // a multi-label version answers its label decisions too, unless the request picks its outputs
            outputs = new java.util.ArrayList<>(outputs);
            outputs.add(TensorCodec.LABELS_OUTPUT);
        }
        return new InferResponse(name, inference.model().id(), request.id(), TensorCodec.encode(outputs,
                inference.model().classifier().labels(), inference.predictions()));
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
        return new ModelMetadataResponse(name, List.of(id), "deeplearning4j", TensorCodec.inputMetadata(),
                TensorCodec.outputMetadata(labels.size()), labels);
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

    record ServerMetadata(String name, String version, List<String> extensions) {
    }

    record Live(boolean live) {
    }

    record Ready(boolean ready) {
    }

    /**
     * Model metadata.
     *
     * @param labels the labels, in the column order of the {@code probabilities} output
     */
    record ModelMetadataResponse(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
                                 List<TensorMetadata> outputs, List<String> labels) {
    }
}
