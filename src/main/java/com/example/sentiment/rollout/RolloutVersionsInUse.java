package com.example.sentiment.rollout;

import com.example.sentiment.model.VersionInUse;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The running canary and the shadow version are in use: deleting one would make the replicas route requests, or
 * compare answers, to a version that is gone. Read from the store, not this replica's copy of it, so that a
 * canary started on another replica a moment ago counts.
 */
@Component
class RolloutVersionsInUse implements VersionInUse {

    private final Rollouts rollouts;

    RolloutVersionsInUse(Rollouts rollouts) {
        this.rollouts = rollouts;
    }

    @Override
    public Optional<String> use(String modelId) {
        RolloutState state = rollouts.stored();
        RolloutState.Canary canary = state.runningCanary();
        if (canary != null && canary.modelId().equals(modelId)) {
            return Optional.of("the running canary");
        }
        RolloutState.Shadow shadow = state.shadow();
        if (shadow != null && shadow.modelId().equals(modelId)) {
            return Optional.of(shadow.gate() != null ? "the shadow version, awaiting its shadow gate"
                    : "the shadow version");
        }
        return Optional.empty();
    }
}
