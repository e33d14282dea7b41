package com.example.sentiment.classification;

import com.example.sentiment.ml.Prediction;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/** The answer for one text. */
@Schema(example = "{\"modelId\":\"20261128-153000-3fa2\",\"label\":\"positive\",\"confidence\":0.97,"
        + "\"scores\":{\"negative\":0.03,\"positive\":0.97},\"tokens\":6,\"truncated\":false}")
record ClassificationResult(
        @Schema(description = "The model version that answered") String modelId,
        @Schema(description = "The most probable label") String label,
        @Schema(description = "Probability of that label") double confidence,
        @Schema(description = "Probability of every label; they sum to 1") Map<String, Double> scores,
        @Schema(description = "Tokens the model read") int tokens,
        @Schema(description = "True when the text had more tokens than the model reads; the rest was ignored")
        boolean truncated) {

    static ClassificationResult of(String modelId, Prediction p) {
        return new ClassificationResult(modelId, p.label(), p.confidence(), p.scores(), p.tokens(), p.truncated());
    }
}
