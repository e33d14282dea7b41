package com.example.sentiment.rollout;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Shadow versions and canaries: put a new version in front of real traffic without trusting it yet. */
@RestController
@RequestMapping("/api/v1/models")
@Tag(name = "Rollout", description = "Shadow versions, canaries with automatic rollback, and their events")
class RolloutController {

    private final Rollouts rollouts;
    private final ShadowComparison shadows;
    private final CanaryWindows windows;

    RolloutController(Rollouts rollouts, ShadowComparison shadows, CanaryWindows windows) {
        this.rollouts = rollouts;
        this.shadows = shadows;
        this.windows = windows;
    }

    @PutMapping("/shadow")
    @Operation(summary = "Make a version the shadow", description = "A sampled share (sampleRate, 0 to 1) of "
            + "/classify, /classify/batch and /v2 requests that the active version answers is classified again by "
            + "the shadow, off the request's path; answers never change. Replaces any previous shadow and starts "
            + "a fresh report. 404 for an unknown version.")
    RolloutState.Shadow putShadow(@Valid @RequestBody ShadowRequest request) {
        return rollouts.setShadow(request.modelId(), request.sampleRate());
    }

    @GetMapping("/shadow")
    @Operation(summary = "Show the shadow version", description = "Its sample rate, since when, and its gate: null "
            + "for a shadow set by request; for a training job's version under sentiment.rollout.promotion-gate="
            + "shadow-agreement, the job and the thresholds on which it is activated or dismissed. 404 (no-shadow) "
            + "when there is none.")
    RolloutState.Shadow getShadow() {
        return currentShadow();
    }

    @DeleteMapping("/shadow")
    @Operation(summary = "End the shadow", description = "204 whether or not there was one.")
    ResponseEntity<Void> deleteShadow() {
        rollouts.clearShadow();
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/shadow/report")
    @Operation(summary = "Compare the shadow with the active version", description = "Requests and texts compared, "
            + "the agreement rate with its 95% Wilson interval, the label-by-label confusion (active label to "
            + "shadow label), both versions' latency percentiles, samples dropped by a full queue, and the most "
            + "recent disagreements (their texts only with sentiment.rollout.keep-shadow-texts=true), and the "
            + "corrections (POST /api/v1/feedback) of compared texts the two answered differently, by the version "
            + "whose label they give. Counted by this replica.")
    ShadowComparison.Report report() {
        return shadows.report(currentShadow());
    }

    @PutMapping("/canary")
    @Operation(summary = "Start a canary", description = "percent of the requests that name no version are "
            + "answered by the canary, sticky per client (the X-Client-Key header, else the first text). Its "
            + "guards compare it with the active version over a sliding window; a breach ends it (state "
            + "ROLLED_BACK, an event, the sentiment.rollout.canary.rollbacks metric) on every replica. Omitted "
            + "guards take the defaults. 404 for an unknown version, 409 for the active one.")
    CanaryStatus putCanary(@Valid @RequestBody CanaryRequest request) {
        GuardsRequest g = request.guards() != null ? request.guards() : GuardsRequest.DEFAULT;
        rollouts.startCanary(request.modelId(), request.percent(), g.toGuards());
        return status();
    }

    @GetMapping("/canary")
    @Operation(summary = "Show the canary", description = "The last canary (running or decided), its split and "
            + "guards, and both versions' figures over the guard window as this replica sees them. 404 (no-canary) "
            + "when there never was one.")
    CanaryStatus getCanary() {
        return status();
    }

    @DeleteMapping("/canary")
    @Operation(summary = "End the canary", description = "Stops routing to it (state ENDED). 404 when none runs.")
    RolloutState.Canary deleteCanary() {
        return rollouts.endCanary();
    }

    @PostMapping("/canary/promote")
    @Operation(summary = "Promote the canary", description = "Activates the canary's version (as PUT "
            + "/api/v1/models/active does) and ends the canary (state PROMOTED). 404 when none runs.")
    RolloutState.Canary promote() {
        return rollouts.promote();
    }

    @GetMapping("/rollout")
    @Operation(summary = "Show the rollout", description = "The canary (as GET /canary answers it) and the shadow's "
            + "report (as GET /shadow/report answers it), each null when there is none, and the shadow's gate (as "
            + "GET /shadow answers it): one read that is never 404, for dashboards such as the console's Rollout panel.")
    Overview overview() {
        RolloutState state = rollouts.state();
        return new Overview(state.canary() == null ? null : status(),
                state.shadow() == null ? null : shadows.report(state.shadow()),
                state.shadow() == null ? null : state.shadow().gate());
    }

    /**
     * The canary's status and the shadow's report, each null when there is none, and the shadow's gate (null
     * for a shadow set by request).
     */
    record Overview(CanaryStatus canary, ShadowComparison.Report shadow, RolloutState.Gate shadowGate) {
    }

    @GetMapping("/events")
    @Operation(summary = "Rollout events", description = "Shadows set and ended, canaries started, ended, "
            + "promoted and rolled back (with the breached guard), shadow gates started, promoted and dismissed "
            + "(with the agreement figures), newest last; the last 100.")
    List<RolloutState.Event> events() {
        return rollouts.events();
    }

    private RolloutState.Shadow currentShadow() {
        return Optional.ofNullable(rollouts.state().shadow()).orElseThrow(RolloutProblemException::noShadow);
    }

    private CanaryStatus status() {
        RolloutState.Canary canary = Optional.ofNullable(rollouts.state().canary())
                .orElseThrow(RolloutProblemException::noCanary);
        long now = System.currentTimeMillis();
        long from = Math.max(canary.since().toEpochMilli(), now - canary.guards().windowSeconds() * 1000L);
        return new CanaryStatus(canary, windows.figures(canary.modelId(), from, now),
                windows.figures(rollouts.activeId(), from, now));
    }

    /** The canary and the figures its guards judge. */
    record CanaryStatus(RolloutState.Canary canary, CanaryWindows.Figures canaryFigures,
                        CanaryWindows.Figures activeFigures) {
    }

    /** Body of {@code PUT /models/shadow}. */
    record ShadowRequest(
            @Schema(example = "20261202-101500-7f3a") @NotBlank(message = "must name a model version") String modelId,
            @Schema(description = "Share of requests compared, 0 to 1", example = "0.1")
            @NotNull(message = "is required")
            @DecimalMin(value = "0", message = "must be between 0 and 1")
            @DecimalMax(value = "1", message = "must be between 0 and 1") Double sampleRate) {
    }

    /** Body of {@code PUT /models/canary}. */
    record CanaryRequest(
            @Schema(example = "20261202-101500-7f3a") @NotBlank(message = "must name a model version") String modelId,
            @Schema(description = "Share of requests the canary answers, 0 to 100", example = "10")
            @NotNull(message = "is required") @Min(value = 0, message = "must be between 0 and 100")
            @Max(value = 100, message = "must be between 0 and 100") Integer percent,
            @Valid GuardsRequest guards) {
    }

    /** The guards of a canary; an omitted field takes its default (null in JSON to switch a guard off is not offered). */
    record GuardsRequest(
            @Schema(description = "Canary error rate minus the active one's", example = "0.05")
            @DecimalMin(value = "0", message = "must be between 0 and 1")
            @DecimalMax(value = "1", message = "must be between 0 and 1") Double maxErrorRateIncrease,
            @Schema(description = "Canary p99 latency over the active one's", example = "2.0")
            @DecimalMin(value = "1", message = "must be at least 1") Double maxP99LatencyRatio,
            @Schema(description = "Canary abstention rate minus the active one's", example = "0.1")
            @DecimalMin(value = "0", message = "must be between 0 and 1")
            @DecimalMax(value = "1", message = "must be between 0 and 1") Double maxAbstentionRateIncrease,
            @Schema(description = "Share of the canary's answers corrected through feedback, minus the active one's",
                    example = "0.1")
            @DecimalMin(value = "0", message = "must be between 0 and 1")
            @DecimalMax(value = "1", message = "must be between 0 and 1") Double maxCorrectionRateIncrease,
            @Schema(description = "Canary requests in the window before any guard is judged", example = "100")
            @Min(value = 1, message = "must be between 1 and 100000")
            @Max(value = 100000, message = "must be between 1 and 100000") Integer minSample,
            @Schema(description = "The sliding window, in seconds", example = "60")
            @Min(value = 5, message = "must be between 5 and 3600")
            @Max(value = 3600, message = "must be between 5 and 3600") Integer windowSeconds) {

        static final GuardsRequest DEFAULT = new GuardsRequest(null, null, null, null, null, null);

        RolloutState.Guards toGuards() {
            RolloutState.Guards d = RolloutState.Guards.DEFAULT;
            return new RolloutState.Guards(
                    maxErrorRateIncrease != null ? maxErrorRateIncrease : d.maxErrorRateIncrease(),
                    maxP99LatencyRatio != null ? maxP99LatencyRatio : d.maxP99LatencyRatio(),
                    maxAbstentionRateIncrease != null ? maxAbstentionRateIncrease : d.maxAbstentionRateIncrease(),
                    maxCorrectionRateIncrease != null ? maxCorrectionRateIncrease : d.maxCorrectionRateIncrease(),
                    minSample != null ? minSample : d.minSample(),
                    windowSeconds != null ? windowSeconds : d.windowSeconds());
        }
    }
}
