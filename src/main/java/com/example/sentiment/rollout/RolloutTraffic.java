package com.example.sentiment.rollout;

import com.example.sentiment.ml.Prediction;
import com.example.sentiment.model.ModelService;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Where classification meets the rollout: which version answers a request (the canary for its share of
 * requests that name no version, sticky per client key), and what happened to it (for the canary's guards and the
 * shadow's comparison). Costs a hash and a few reads on the request's path; the shadow's work runs elsewhere.
 */
@Component
public class RolloutTraffic {

    /** The request header whose value keeps a client on one side of the canary split. */
    public static final String CLIENT_KEY_HEADER = "X-Client-Key";

    private final Rollouts rollouts;
    private final CanaryWindows windows;
    private final ShadowComparison shadow;
    private final ModelService models;

    RolloutTraffic(Rollouts rollouts, CanaryWindows windows, ShadowComparison shadow, ModelService models) {
        this.rollouts = rollouts;
        this.windows = windows;
        this.shadow = shadow;
        this.models = models;
    }

    /**
     * Routes a request. Close the route when the request is over; an unanswered route counts as an error of the
     * version it went to.
     *
     * @param requestedModelId the version the request names; such a request is never routed to the canary
     * @param texts the request's texts (the first one keys the split when there is no client key)
     */
    public Route route(String requestedModelId, List<String> texts) {
        RolloutState state = rollouts.state();
        RolloutState.Canary canary = state.runningCanary();
        if (requestedModelId != null) {
            return new Route(this, requestedModelId, false, null);
        }
        if (canary == null) {
            return new Route(this, null, false, state.shadow());
        }
        String key = clientKey();
        if (key == null) {
            key = texts.isEmpty() ? "" : texts.get(0);
        }
        boolean toCanary = bucket(canary.modelId(), key) < canary.percent();
        // the shadow compares with the active version's answers only
        return new Route(this, toCanary ? canary.modelId() : null, true, toCanary ? null : state.shadow());
    }

    /** A correction of {@code modelId}'s answer arrived (feedback): counts against that version's guard. */
    public void corrected(String modelId) {
        if (rollouts.state().runningCanary() != null) {
            windows.corrected(modelId != null ? modelId : activeId(), System.currentTimeMillis());
        }
    }

    /**
     * A correction of {@code modelId}'s answer to {@code text} arrived: counts against that version's guard, and for
     * the shadow report (and a {@code feedback-win} shadow gate) when the shadow compared that text here.
     */
    public void corrected(String modelId, String text, String label) {
        corrected(modelId);
        if (rollouts.state().shadow() != null) {
            shadow.corrected(text, label);
        }
    }

    /** The client's bucket in [0, 100) for {@code canaryId}: stable across requests, replicas and restarts. */
    static int bucket(String canaryId, String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (canaryId + '\u0000' + key).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (int) Math.floorMod(h, 100L);
    }

    private static String clientKey() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            String key = request.getHeader(CLIENT_KEY_HEADER);
            return key == null || key.isBlank() ? null : key;
        }
        return null;
    }

    private String activeId() {
        return models.active().map(ModelService.LoadedModel::id).orElse(null);
    }

    /** One request's route: the version to resolve, and the record of its outcome. */
    public static final class Route implements AutoCloseable {

        private final RolloutTraffic traffic;
        private final String modelId;
        private final boolean observed;
        private final RolloutState.Shadow shadow;
        private final long start = System.nanoTime();
        private boolean answered;

        private Route(RolloutTraffic traffic, String modelId, boolean observed, RolloutState.Shadow shadow) {
            this.traffic = traffic;
            this.modelId = modelId;
            this.observed = observed;
            this.shadow = shadow;
        }

        /** The version to answer with: the request's own, the canary, or null for the active one. */
        public String modelId() {
            return modelId;
        }

        /**
         * The request was answered by {@code answeredBy}: its outcome counts for the guards and a sample goes to
         * the shadow (a request that named its version, or that the canary answered, is not compared).
         */
        public void answered(String answeredBy, List<String> texts, List<Prediction> predictions, int abstained) {
            answered = true;
            long nanos = System.nanoTime() - start;
            if (observed) {
                traffic.windows.record(answeredBy, System.currentTimeMillis(), nanos, false, texts.size(), abstained);
            }
            if (shadow != null) {
                traffic.shadow.offer(shadow, answeredBy, texts, predictions, nanos);
            }
        }

        /** Counts an unanswered routed request as an error of the version it went to. */
        @Override
        public void close() {
            if (!answered && observed) {
                String failed = modelId != null ? modelId : traffic.activeId();
                traffic.windows.record(failed, System.currentTimeMillis(), System.nanoTime() - start, true, 0, 0);
            }
        }
    }
}
