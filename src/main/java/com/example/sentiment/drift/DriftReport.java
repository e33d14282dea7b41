package com.example.sentiment.drift;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * How one version's live traffic on this replica compares with its validation data.
 *
 * @param status the worst status of the signals judged; {@code no-reference} or {@code insufficient-data} when
 *               none is
 */
@Schema(description = "Drift of one version's live traffic (on the replica that answers) against its validation "
        + "data")
record DriftReport(
        @Schema(example = "20261201-101500-1a2b") String modelId,
        @Schema(description = "Worst status of the signals judged: ok, warn, alert; no-reference when the version "
                + "has no reference profile, insufficient-data when no signal has the minimum sample",
                example = "ok") String status,
        @Schema(description = "Predictions of this version counted in the live window", example = "1840")
        long liveSample,
        @Schema(description = "Validation examples of the reference profile; null without one", example = "872")
        Long referenceSample,
        @Schema(description = "How far back the live window reaches (ISO-8601)", example = "PT1H") String window,
        @Schema(description = "Live predictions a signal needs before it is judged", example = "500") int minSample,
        @Schema(description = "PSI at or above which a signal is warn", example = "0.1") double warnPsi,
        @Schema(description = "PSI at or above which a signal is alert", example = "0.25") double alertPsi,
        List<SignalDrift> signals) {

    /**
     * One signal: its population stability index and both histograms.
     *
     * @param psi null when there is nothing to compare (no reference, no live predictions, not applicable)
     */
    @Schema(description = "One signal's PSI, status and histograms")
    record SignalDrift(
            @Schema(description = "length (tokens read), unknown-share (share of tokens outside the vocabulary), "
                    + "label (predicted label) or confidence (top probability)", example = "length") String signal,
            @Schema(description = "Population stability index of live against reference", example = "0.031")
            Double psi,
            @Schema(description = "ok, warn, alert, insufficient-data, no-reference or not-applicable (unknown "
                    + "words of a version that reads an encoder's pieces)", example = "ok") String status,
            @Schema(example = "1840") long liveSample,
            @Schema(example = "872") long referenceSample,
            Histogram live,
            @Schema(description = "null without a reference profile") Histogram reference) {
    }
}
