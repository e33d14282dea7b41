package com.example.sentiment.classification;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Classify text with the active model or a named version. */
@RestController
@RequestMapping(path = "/api/v1/classify", consumes = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Classification", description = "Classify text; every label gets a probability")
class ClassificationController {

    private final ClassificationService classification;

    ClassificationController(ClassificationService classification) {
        this.classification = classification;
    }

    @PostMapping
    @Operation(summary = "Classify one text", description = "Uses the active model unless modelId names a "
            + "version. Texts longer than the model's maximum sequence length are truncated (truncated=true). "
            + "explain=true adds token weights by occlusion (of explainLabel, else the top label); minConfidence "
            + "makes the answer abstain (label null, abstained true) when the top probability is below it. A "
            + "multi-label version answers every label's own probability (they need not sum to 1) and, in labels, "
            + "the labels over their thresholds.")
    ClassificationResult classify(@Valid @RequestBody ClassifyRequest request) {
        return classification.classify(request.text(), request.modelId(), request.options());
    }

    @PostMapping("/batch")
    @Operation(summary = "Classify many texts", description = "1 to sentiment.classify.max-batch-size texts "
            + "(default 256) in one call; results are in the order of the texts. explain and minConfidence work "
            + "as for one text, for every text; with explain=true at most sentiment.classify.max-explain-texts "
            + "texts (default 16).")
    BatchClassificationResult classifyBatch(@Valid @RequestBody BatchClassifyRequest request) {
        return classification.classifyBatch(request.texts(), request.modelId(), request.options());
    }

    /** Body of {@code POST /classify}. */
    record ClassifyRequest(
            @Schema(example = "A moving, beautifully acted film.") @NotNull(message = "is required") String text,
            @Schema(description = "A model version; the active one when absent") String modelId,
            @Schema(description = EXPLAIN) Boolean explain,
            @Schema(description = MIN_CONFIDENCE, example = "0.7") @DecimalMin(value = "0", inclusive = false,
                    message = THRESHOLD_RANGE) @DecimalMax(value = "1", message = THRESHOLD_RANGE) Double minConfidence,
            @Schema(description = EXPLAIN_LABEL, example = "urgent") @Size(max = 1000, message = "must be at most 1000 characters")
            String explainLabel)
            implements AnswerOptions {
    }

    /** Body of {@code POST /classify/batch}. */
    record BatchClassifyRequest(
            @Schema(example = "[\"A moving, beautifully acted film.\", \"Dull and far too long.\"]")
            @NotNull(message = "is required") List<String> texts,
            @Schema(description = "A model version; the active one when absent") String modelId,
            @Schema(description = EXPLAIN) Boolean explain,
            @Schema(description = MIN_CONFIDENCE, example = "0.7") @DecimalMin(value = "0", inclusive = false,
                    message = THRESHOLD_RANGE) @DecimalMax(value = "1", message = THRESHOLD_RANGE) Double minConfidence,
            @Schema(description = EXPLAIN_LABEL, example = "urgent") @Size(max = 1000, message = "must be at most 1000 characters")
            String explainLabel)
            implements AnswerOptions {
    }

    /** The answer options both request bodies carry. */
    interface AnswerOptions {
        Boolean explain();

        Double minConfidence();

        String explainLabel();

        default ClassificationService.Options options() {
            return new ClassificationService.Options(Boolean.TRUE.equals(explain()), minConfidence(), explainLabel());
        }
    }

    private static final String EXPLAIN = "When true, every result carries explanation: one weight per token the "
            + "model read (occlusion). Costs about one batched forward pass per text; off by default";
    private static final String MIN_CONFIDENCE = "Abstain (label null, abstained true) when the top probability "
            + "is below this, 0 < x <= 1; overrides the version's default";
    private static final String EXPLAIN_LABEL = "With explain=true: the label whose probability the token "
            + "weights explain (one of the model's labels); the most probable label when absent. Useful for "
            + "multi-label models, where several labels may be chosen";
    private static final String THRESHOLD_RANGE = "must be greater than 0 and at most 1";
}
