package com.example.sentiment.training;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What a job with {@code "activate": "if-better"} decided when it succeeded.
 *
 * @param decision {@code activated} or {@code kept-active}
 * @param activeModelId the version that was active and compared against; null when none was
 * @param candidateMacroF1 the new version's macro-F1 on the job's held-out data
 * @param activeMacroF1 the active version's on the same data; null when none was active or its labels differ
 * @param examples held-out examples both were evaluated on
 * @param reason the decision in words
 */
@Schema(description = "The decision of activate=\"if-better\"")
record Promotion(String decision, String activeModelId, double candidateMacroF1, Double activeMacroF1,
                        int examples, String reason) {

    static final String ACTIVATED = "activated";
    static final String KEPT_ACTIVE = "kept-active";

    boolean activated() {
        return ACTIVATED.equals(decision);
    }
}
