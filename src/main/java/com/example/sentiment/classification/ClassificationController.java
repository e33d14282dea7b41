package com.example.sentiment.classification;

import com.example.sentiment.ml.LongText;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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
            + "version. Texts longer than the model's maximum sequence length are read in overlapping windows "
            + "(chunks > 1) or truncated (truncated=true), as the version or the request's longText says. "
            + "explain=true adds token weights by occlusion (of explainLabel, else the top label); minConfidence "
            + "makes the answer abstain (label null, abstained true, abstainedReason low-confidence) when the top "
            + "probability is below it, targetPrecision below the threshold that reaches that precision on the "
            + "version's validation data (precision-target), ambiguityMargin when the top two probabilities are "
            + "closer than it (ambiguous). Probabilities are calibrated by the version's temperature when it has one. "
            + "A multi-label version answers every label's own probability (they need not sum to 1) and, in labels, "
            + "the labels over their thresholds.")
    ClassificationResult classify(@Valid @RequestBody ClassifyRequest request) {
        return classification.classify(request.text(), request.modelId(), request.options());
    }

    @PostMapping("/batch")
    @Operation(summary = "Classify many texts", description = "1 to sentiment.classify.max-batch-size texts "
            + "(default 256) in one call; results are in the order of the texts. explain, minConfidence, "
            + "targetPrecision and ambiguityMargin work as for one text, for every text; with explain=true at most "
            + "sentiment.classify.max-explain-texts texts (default 16).")
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
            @Schema(description = LONG_TEXT, allowableValues = {"chunk", "truncate"}, example = "chunk")
            @Pattern(regexp = "(?i)chunk|truncate", message = "must be one of chunk, truncate") String longText,
            @Schema(description = TARGET_PRECISION, example = "0.95") @DecimalMin(value = "0", inclusive = false,
                    message = OPEN_RANGE) @DecimalMax(value = "1", inclusive = false, message = OPEN_RANGE)
            Double targetPrecision,
            @Schema(description = AMBIGUITY_MARGIN, example = "0.1") @DecimalMin(value = "0", inclusive = false,
                    message = OPEN_RANGE) @DecimalMax(value = "1", inclusive = false, message = OPEN_RANGE)
            Double ambiguityMargin,
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
            @Schema(description = LONG_TEXT, allowableValues = {"chunk", "truncate"}, example = "chunk")
            @Pattern(regexp = "(?i)chunk|truncate", message = "must be one of chunk, truncate") String longText,
            @Schema(description = TARGET_PRECISION, example = "0.95") @DecimalMin(value = "0", inclusive = false,
                    message = OPEN_RANGE) @DecimalMax(value = "1", inclusive = false, message = OPEN_RANGE)
            Double targetPrecision,
            @Schema(description = AMBIGUITY_MARGIN, example = "0.1") @DecimalMin(value = "0", inclusive = false,
                    message = OPEN_RANGE) @DecimalMax(value = "1", inclusive = false, message = OPEN_RANGE)
            Double ambiguityMargin,
            @Schema(description = EXPLAIN_LABEL, example = "urgent") @Size(max = 1000, message = "must be at most 1000 characters")
            String explainLabel)
            implements AnswerOptions {
    }

    /** The answer options both request bodies carry. */
    interface AnswerOptions {
        Boolean explain();

        Double minConfidence();

        String longText();

        Double targetPrecision();

        Double ambiguityMargin();

        String explainLabel();

        default ClassificationService.Options options() {
            return new ClassificationService.Options(Boolean.TRUE.equals(explain()), minConfidence(),
                    longText() == null ? null : LongText.ofSetting(longText()), targetPrecision(), ambiguityMargin(),
                    explainLabel());
        }
    }

    private static final String EXPLAIN = "When true, every result carries explanation: one weight per token the "
            + "model read (occlusion). Costs about one batched forward pass per text; off by default";
    private static final String MIN_CONFIDENCE = "Abstain (label null, abstained true) when the top probability "
            + "is below this, 0 < x <= 1; overrides the version's default";
    private static final String LONG_TEXT = "How to read a text longer than the version's maxSequenceLength "
            + "tokens: chunk reads all of it in overlapping windows (the answer's chunks says how many) and answers "
            + "the mean of their probabilities; truncate reads its first maxSequenceLength tokens (truncated=true). "
            + "Absent: as the version was trained to (its hyperParameters.longText; truncate for versions trained "
            + "before the setting existed)";
    private static final String EXPLAIN_LABEL = "With explain=true: the label whose probability the token "
            + "weights explain (one of the model's labels); the most probable label when absent. Useful for "
            + "multi-label models, where several labels may be chosen";
    private static final String THRESHOLD_RANGE = "must be greater than 0 and at most 1";
    private static final String TARGET_PRECISION = "Abstain (abstainedReason precision-target) below the lowest "
            + "confidence threshold whose answered texts reach this precision on the version's validation data, "
            + "0 < x < 1; overrides the version's default. The result's precisionTarget gives the threshold and its "
            + "coverage; a target no threshold reaches, or a version without calibration, is a 422";
    private static final String AMBIGUITY_MARGIN = "Abstain (abstainedReason ambiguous) when the top two "
            + "probabilities are closer than this, 0 < x < 1; overrides the version's default";
    private static final String OPEN_RANGE = "must be greater than 0 and less than 1";
}
