package com.example.sentiment.model;

import com.example.sentiment.ml.Calibration;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.Distillation;
import com.example.sentiment.ml.EpochMetrics;
import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.HyperParameters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Stored model versions: list, inspect, activate (or roll back) and delete. */
@RestController
@RequestMapping("/api/v1/models")
@Tag(name = "Models", description = "Stored model versions and which one is active")
class ModelController {

    private final ModelService models;
    private final ObjectProvider<VersionInUse> uses;

    /** @param uses what else serves stored versions (the rollout): a version in use is not deleted */
    ModelController(ModelService models, ObjectProvider<VersionInUse> uses) {
        this.models = models;
        this.uses = uses;
    }

    @GetMapping
    @Operation(summary = "List model versions", description = "Every stored version, newest first, with its "
            + "headline figures; versions that cannot be loaded are listed with the reason.")
    List<ModelSummary> list() {
        String activeId = activeId();
        return models.list().stream().map(m -> ModelSummary.of(m, activeId)).toList();
    }

    @GetMapping("/{id}")
    @Operation(summary = "Show a model version", description = "Labels, hyper-parameters, vocabulary size, "
            + "evaluation on the validation data, dataset fingerprint and training history.")
    ModelDetails get(@PathVariable String id) {
        StoredModel stored = models.get(id);
        return ModelDetails.of(stored, stored.id().equals(activeId())).inRollout(use(stored.id()).orElse(null));
    }

    /** How the rollout uses {@code id} (the running canary, the shadow), if it does. */
    private Optional<String> use(String id) {
        return uses.orderedStream().map(use -> use.use(id)).flatMap(Optional::stream).findFirst();
    }

    @PutMapping("/active")
    @Operation(summary = "Activate a model version", description = "Makes the version serve classify requests "
            + "that name no model; requests in flight finish on the previous one. Also used to roll back.")
    ModelSummary activate(@Valid @RequestBody ActivateRequest request) {
        ModelService.LoadedModel loaded = models.activate(request.modelId());
        return ModelSummary.of(models.get(loaded.id()), loaded.id());
    }

    @PutMapping("/{id}/settings")
    @Operation(summary = "Change a model version's settings", description = "minConfidence is the version's "
            + "default abstention threshold (0 < x <= 1): a classification whose top probability is below it "
            + "answers label null and abstained true. A request's own minConfidence overrides it; null removes it.")
    ModelDetails updateSettings(@PathVariable String id, @Valid @RequestBody SettingsRequest request) {
        models.setMinConfidence(id, request.minConfidence());
        return get(id);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a model version", description = "Refused with 409 (model-conflict) for the active "
            + "version, and for the running canary or the shadow version (end the canary or the shadow first).")
    ResponseEntity<Void> delete(@PathVariable String id) {
        use(id).ifPresent(use -> {
            throw ModelConflictException.inUse(id, use);
        });
        models.delete(id);
        return ResponseEntity.noContent().build();
    }

    private String activeId() {
        return models.active().map(ModelService.LoadedModel::id).orElse(null);
    }

    /** Body of {@code PUT /models/active}. */
    record ActivateRequest(@NotBlank(message = "must name a model version") String modelId) {
    }

    /** Body of {@code PUT /models/{id}/settings}. */
    record SettingsRequest(
            @Schema(description = "Default abstention threshold; null for none", example = "0.7")
            @DecimalMin(value = "0", inclusive = false, message = "must be greater than 0 and at most 1")
            @DecimalMax(value = "1", message = "must be greater than 0 and at most 1") Double minConfidence) {
    }

    /**
     * One line of the model listing.
     *
     * @param accuracy on data the version never saw (see {@link HeldOutAccuracy}), as is {@code macroF1}
     * @param accuracyMeasuredOn what both were measured on
     */
    record ModelSummary(String id, String name, Instant createdAt, List<String> labels, Double accuracy,
                        Double macroF1, String accuracyMeasuredOn, Double minConfidence, boolean active,
                        boolean usable, String problem) {

        static ModelSummary of(StoredModel m, String activeId) {
            Optional<ModelMetadata> md = Optional.ofNullable(m.metadata());
            Optional<HeldOutAccuracy> heldOut = md.flatMap(HeldOutAccuracy::of);
            return new ModelSummary(m.id(), md.map(ModelMetadata::name).orElse(null),
                    md.map(ModelMetadata::createdAt).orElse(null), md.map(ModelMetadata::labels).orElse(null),
                    heldOut.map(HeldOutAccuracy::accuracy).orElse(null), heldOut.map(HeldOutAccuracy::macroF1).orElse(null),
                    heldOut.map(HeldOutAccuracy::measuredOn).orElse(null),
                    md.map(ModelMetadata::minConfidence).orElse(null), m.id().equals(activeId), m.usable(), m.problem());
        }
    }

    /** A version in full. */
    record ModelDetails(String id, boolean active, boolean usable, String problem, String name, Instant createdAt,
                        String trainingJobId, List<String> labels, HyperParameters hyperParameters,
                        Integer vocabularySize, Integer wordVectorsCovered, Long parameters, EvaluationReport evaluation,
                        ModelMetadata.DatasetFingerprint dataset, List<EpochMetrics> history, Integer bestEpoch,
                        Double trainingSeconds, Double minConfidence, Map<String, EvaluationReport> evaluations,
                        HeldOutAccuracy heldOut, List<ConfigurationSearch.CandidateReport> candidates,
                        List<EvaluationReport> ensembleMembers, Distillation distillation,
                        @Schema(description = "temperature scaling fitted on the validation data (null for versions "
                                + "from before it): the temperature answers are served with, ECE and reliability bins "
                                + "before and after, the validation precision curve (answered and correct texts at "
                                + "every threshold step of 0.001), and the version's targetPrecision (with its "
                                + "threshold and coverage) and ambiguityMargin defaults")
                        Calibration calibration,
                        @Schema(description = "how the rollout uses this version: \"the running canary\", \"the "
                                + "shadow version\", or \"the shadow version, awaiting its shadow gate\" (a training "
                                + "job's version under sentiment.rollout.promotion-gate=shadow-agreement); null when "
                                + "it does not", example = "the shadow version, awaiting its shadow gate")
                        String rollout) {

        ModelDetails(String id, boolean active, boolean usable, String problem, String name, Instant createdAt,
                     String trainingJobId, List<String> labels, HyperParameters hyperParameters,
                     Integer vocabularySize, Integer wordVectorsCovered, Long parameters, EvaluationReport evaluation,
                     ModelMetadata.DatasetFingerprint dataset, List<EpochMetrics> history, Integer bestEpoch,
                     Double trainingSeconds, Double minConfidence, Map<String, EvaluationReport> evaluations,
                     HeldOutAccuracy heldOut, List<ConfigurationSearch.CandidateReport> candidates,
                     List<EvaluationReport> ensembleMembers, Distillation distillation, Calibration calibration) {
            this(id, active, usable, problem, name, createdAt, trainingJobId, labels, hyperParameters, vocabularySize,
                    wordVectorsCovered, parameters, evaluation, dataset, history, bestEpoch, trainingSeconds,
                    minConfidence, evaluations, heldOut, candidates, ensembleMembers, distillation, calibration, null);
        }

        /** The same with how the rollout uses the version. */
        ModelDetails inRollout(String use) {
            return new ModelDetails(id, active, usable, problem, name, createdAt, trainingJobId, labels,
                    hyperParameters, vocabularySize, wordVectorsCovered, parameters, evaluation, dataset, history,
                    bestEpoch, trainingSeconds, minConfidence, evaluations, heldOut, candidates, ensembleMembers,
                    distillation, calibration, use);
        }

        static ModelDetails of(StoredModel stored, boolean active) {
            ModelMetadata m = stored.metadata();
            if (m == null) {
                return new ModelDetails(stored.id(), active, false, stored.problem(), null, null, null, null, null,
                        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
            }
            return new ModelDetails(stored.id(), active, stored.usable(), stored.problem(), m.name(), m.createdAt(),
                    m.trainingJobId(), m.labels(), m.hyperParameters(), m.vocabularySize(), m.wordVectorsCovered(), m.parameters(),
                    m.evaluation(), m.dataset(), m.history(), m.bestEpoch(), m.trainingSeconds(), m.minConfidence(),
                    m.evaluations(), HeldOutAccuracy.of(m).orElse(null), m.candidates(), m.ensembleMembers(),
                    m.distillation(), m.calibration());
        }
    }
}
