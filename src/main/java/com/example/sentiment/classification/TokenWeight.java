package com.example.sentiment.classification;

import io.swagger.v3.oas.annotations.media.Schema;

/** How much one token of a text moved the predicted label's probability (see {@link Occlusion}). */
@Schema(example = "{\"token\":\"wonderful\",\"weight\":0.41}")
record TokenWeight(
        @Schema(description = "The token as the tokenizer produced it") String token,
        @Schema(description = "The predicted label's probability minus its probability with this token left "
                + "out; positive supports the label, negative speaks against it") double weight) {
}
