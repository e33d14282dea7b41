package com.example.sentiment.classification;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code inferenceWorkers}, in the liveness group: UP while every inference worker runs. A worker lost to an
 * {@link Error} is replaced at once; when that fails (the process cannot start a thread), each check tries
 * again, and stays DOWN until it succeeds, so that the orchestrator restarts a process that can no longer
 * classify instead of letting its callers time out.
 */
@Component("inferenceWorkers")
class InferenceWorkersHealthIndicator implements HealthIndicator {

    private final InferenceBatcher batcher;

    InferenceWorkersHealthIndicator(InferenceBatcher batcher) {
        this.batcher = batcher;
    }

    @Override
    public Health health() {
        int running = batcher.ensureWorkers();
        int wanted = batcher.wantedWorkers();
        Health.Builder health = running >= wanted ? Health.up()
                : Health.down().withDetail("reason", "inference workers cannot be started again");
        return health.withDetail("workers", running).withDetail("wanted", wanted).build();
    }
}
