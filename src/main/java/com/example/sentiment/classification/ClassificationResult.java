package com.example.sentiment.classification;

import com.example.sentiment.ml.Calibration;
import com.example.sentiment.ml.Prediction;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** The answer for one text. */
@Schema(example = "{\"modelId\":\"20261128-153000-3fa2\",\"label\":\"positive\",\"confidence\":0.97,"
        + "\"scores\":{\"negative\":0.03,\"positive\":0.97},\"tokens\":6,\"truncated\":false,\"abstained\":false,"
        + "\"chunks\":1}")
record ClassificationResult(
        @Schema(description = "The model version that answered") String modelId,
        @Schema(description = "The most probable label; null when the model abstained", nullable = true) String label,
        @Schema(description = "Probability of the most probable label") double confidence,
        @Schema(description = "Probability of every label; they sum to 1 for a single-label version, and are each "
                + "label's own probability for a multi-label one") Map<String, Double> scores,
        @Schema(description = "Tokens the model read") int tokens,
        @Schema(description = "True when the text had more tokens than the model reads; the rest was ignored")
        boolean truncated,
        @Schema(description = "True when the model abstained (abstainedReason says why): the top probability was "
                + "below minConfidence or below the threshold of targetPrecision, or the top two were within "
                + "ambiguityMargin (each the request's, else the version's default); then label is null, and scores "
                + "still holds every probability")
        boolean abstained,
        @Schema(description = "Only with explain=true: one entry per token the model read, in text order")
        @JsonInclude(JsonInclude.Include.NON_NULL) List<TokenWeight> explanation,
        @Schema(description = "Windows the text was read as: 1, or more when a text longer than the model's "
                + "maxSequenceLength was read in overlapping windows (longText chunk); the probabilities are then "
                + "the mean of the windows'", example = "1")
        int chunks,
        @Schema(description = "Only when abstained is true: why. low-confidence (below minConfidence), "
                + "precision-target (below the threshold of targetPrecision) or ambiguous (the top two probabilities "
                + "closer than ambiguityMargin)", allowableValues = {"low-confidence", "precision-target", "ambiguous"},
                example = "precision-target", nullable = true)
        @JsonInclude(JsonInclude.Include.NON_NULL) String abstainedReason,
        @Schema(description = "Only when a precision target applies (the request's targetPrecision, else the "
                + "version's): the target, the confidence threshold it gives and the share of the version's validation "
                + "texts answered at that threshold (coverage)")
        @JsonInclude(JsonInclude.Include.NON_NULL) Calibration.PrecisionThreshold precisionTarget,
        @Schema(description = "Only for a multi-label version: the labels whose probability reaches their threshold "
                + "(tuned per label on the job's validation split) and minConfidence, most probable first; may be "
                + "empty", example = "[\"billing\", \"urgent\"]")
        @JsonInclude(JsonInclude.Include.NON_NULL) List<String> labels) {

    /** A single-label answer read in one window, without a precision target (abstaining only below minConfidence). */
    ClassificationResult(String modelId, String label, double confidence, Map<String, Double> scores, int tokens,
                         boolean truncated, boolean abstained, List<TokenWeight> explanation) {
        this(modelId, label, confidence, scores, tokens, truncated, abstained, explanation, 1,
                abstained ? AbstentionRule.LOW_CONFIDENCE : null, null, null);
    }

    /**
     * The answer for a prediction.
     *
     * @param minConfidence the threshold below which the answer has no label, or null for none
     * @param explanation the token weights, or null when none were asked for
     */
    static ClassificationResult of(String modelId, Prediction p, Double minConfidence, List<TokenWeight> explanation) {
        return of(modelId, p, new AbstentionRule(minConfidence, null, null), explanation);
    }

    /**
     * The answer for a prediction under an abstention rule. A multi-label prediction's labels are those over
     * their thresholds that also reach the rule's minConfidence.
     *
     * @param explanation the token weights, or null when none were asked for
     */
    static ClassificationResult of(String modelId, Prediction p, AbstentionRule rule, List<TokenWeight> explanation) {
        String reason = rule.reason(p);
        boolean abstained = reason != null;
        Double minConfidence = rule.minConfidence();
        List<String> labels = p.labels() == null ? null : minConfidence == null ? p.labels()
                : p.labels().stream().filter(l -> p.scores().get(l) >= minConfidence).toList();
        return new ClassificationResult(modelId, abstained ? null : p.label(), p.confidence(), p.scores(), p.tokens(),
                p.truncated(), abstained, explanation, p.chunks(), reason, rule.precisionTarget(), labels);
    }
}
