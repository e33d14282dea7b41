package com.example.sentiment.drift;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Drift of a version's live traffic against its validation data. */
@RestController
@Tag(name = "Models", description = "Stored model versions and which one is active")
class DriftController {

    private final DriftMonitor monitor;

    DriftController(DriftMonitor monitor) {
        this.monitor = monitor;
    }

    @GetMapping("/api/v1/models/{id}/drift")
    @Operation(summary = "Drift of a model version's live traffic", description = "For each signal (length: tokens "
            + "read; unknown-share: share of them outside the vocabulary; label: predicted label; confidence: top "
            + "probability) the population stability index of the live traffic this replica answered with the "
            + "version in the last sentiment.drift.window against the version's validation data, its status (ok, "
            + "warn, alert, insufficient-data below sentiment.drift.min-sample, no-reference for versions trained "
            + "before references were stored, not-applicable) and both histograms. Each replica reports its own "
            + "traffic; Prometheus' sentiment_drift_psi gauges aggregate them.")
    DriftReport drift(@Parameter(description = "Model version id", example = "20261201-101500-1a2b")
                      @PathVariable String id) {
        return monitor.report(id);
    }
}
