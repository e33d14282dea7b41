package com.example.sentiment.training;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What a job with {@code "activate": "if-better"} decided when it succeeded.
 *
 * @param decision {@code activated}, {@code kept-active}, or {@code awaiting-shadow-gate} (it beat the active
 *     version on held-out data and is the shadow version until its agreement with the active version on live
 *     traffic activates or dismisses it: {@code sentiment.rollout.promotion-gate=shadow-agreement} or
 *     {@code feedback-win})
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
    static final String AWAITING_SHADOW_GATE = "awaiting-shadow-gate";

    boolean activated() {
        return ACTIVATED.equals(decision);
    }

    /** This activation deferred to the shadow gate, described by {@code how}. */
    Promotion awaitingShadowGate(String how) {
        return new Promotion(AWAITING_SHADOW_GATE, activeModelId, candidateMacroF1, activeMacroF1, examples,
                reason + "; " + how);
    }

    /** The shadow gate could not be set up: the version is stored and not active. */
    Promotion shadowGateUnavailable(String why) {
        return new Promotion(KEPT_ACTIVE, activeModelId, candidateMacroF1, activeMacroF1, examples, reason
                + "; it could not become the shadow version (" + why + "), so it is stored and not active: "
                + "activate it or make it the shadow explicitly");
    }
}
