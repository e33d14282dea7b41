package com.example.sentiment.rollout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What every replica applies to its traffic: the shadow version (if any), the canary and its decision (if any),
 * and the most recent rollout events. Stored as one document behind {@link RolloutStore}, so that the decision to
 * end a canary is taken once and read by every replica, never recomputed by each.
 *
 * @param shadow the version that classifies a sample of the traffic beside the active one; null for none
 * @param canary the last canary and what became of it; null when there never was one (or it was cleared)
 * @param events newest last, at most {@link #MAX_EVENTS}
 */
public record RolloutState(Shadow shadow, Canary canary, List<Event> events) {

    /** How many events the state keeps (the oldest go first). */
    public static final int MAX_EVENTS = 100;

    /** Nothing in rollout. */
    public static final RolloutState EMPTY = new RolloutState(null, null, List.of());

    public RolloutState {
        events = events == null ? List.of() : List.copyOf(events);
    }

    /**
     * @param modelId the shadow version
     * @param sampleRate the share of requests (0..1) it also classifies
     * @param since when it became the shadow; its report counts from then
     * @param gate the condition on which it is activated or dismissed, for a version a training job put here
     *     ({@code sentiment.rollout.promotion-gate=shadow-agreement}); null for a shadow set by request
     */
    public record Shadow(String modelId, double sampleRate, Instant since, Gate gate) {

        /** A shadow set by request: compared, never promoted by itself. */
        public Shadow(String modelId, double sampleRate, Instant since) {
            this(modelId, sampleRate, since, null);
        }

        /** The same shadow (the same report: same version and start) as {@code other}. */
        boolean sameAs(Shadow other) {
            return other != null && modelId.equals(other.modelId) && since.equals(other.since);
        }
    }

    /**
     * A shadow gate: the thresholds are stored with it, so that every replica applies the same ones (see
     * {@link ShadowGate#judge}).
     *
     * @param trainingJobId the training job whose version awaits the gate
     * @param activeModelId the active version the job's held-out comparison beat
     * @param minCompared texts compared before a decision
     * @param minAgreement the agreement the 95% interval must lie at or above to promote, or wholly below to dismiss
     * @param rule {@code shadow-agreement} (judged on agreement) or {@code feedback-win} (judged on corrections)
     * @param minCorrections with {@code feedback-win}: corrections of texts the two answered differently, one of
     *     them right, before a decision
     */
    public record Gate(String trainingJobId, String activeModelId, long minCompared, double minAgreement,
                       String rule, long minCorrections) {

        /** The rule judged on agreement. */
        public static final String AGREEMENT = "shadow-agreement";
        /** The rule judged on corrections. */
        public static final String FEEDBACK = "feedback-win";

        /** A gate judged on agreement. */
        public Gate(String trainingJobId, String activeModelId, long minCompared, double minAgreement) {
            this(trainingJobId, activeModelId, minCompared, minAgreement, AGREEMENT, 0);
        }

        public Gate {
            rule = rule == null ? AGREEMENT : rule;
        }

        boolean onFeedback() {
            return FEEDBACK.equals(rule);
        }
    }

    /** What a canary is doing: only a {@code RUNNING} one answers requests. */
    public enum CanaryState { RUNNING, ROLLED_BACK, PROMOTED, ENDED }

    /**
     * @param modelId the canary version
     * @param percent the share of routable requests (0..100) it answers, sticky per client key
     * @param guards when it is rolled back
     * @param state the decision, the same for every replica
     * @param reason why it stopped (a breached guard, a promotion, a deletion); null while running
     * @param since when it started
     * @param decidedAt when it stopped; null while running
     */
    public record Canary(String modelId, int percent, Guards guards, CanaryState state, String reason,
                         Instant since, Instant decidedAt) {

        boolean running() {
            return state == CanaryState.RUNNING;
        }

        Canary decided(CanaryState to, String why, Instant at) {
            return new Canary(modelId, percent, guards, to, why, since, at);
        }
    }

    /**
     * Limits on the canary compared with the active version over the same sliding window; a null limit is not
     * checked.
     *
     * @param maxErrorRateIncrease canary error rate minus the active one's, e.g. 0.05
     * @param maxP99LatencyRatio canary p99 latency over the active one's, e.g. 2.0
     * @param maxAbstentionRateIncrease canary abstention rate minus the active one's
     * @param maxCorrectionRateIncrease share of the canary's answers corrected through feedback minus the active one's
     * @param minSample requests the canary must have answered in the window before any guard is judged
     * @param windowSeconds the sliding window
     */
    public record Guards(Double maxErrorRateIncrease, Double maxP99LatencyRatio, Double maxAbstentionRateIncrease,
                         Double maxCorrectionRateIncrease, int minSample, int windowSeconds) {

        /** The guards when a request names none. */
        public static final Guards DEFAULT = new Guards(0.05, 2.0, 0.10, 0.10, 100, 60);
    }

    /**
     * @param at when
     * @param type such as {@code canary-started}, {@code canary-rolled-back}, {@code shadow-set},
     *     {@code shadow-gate-started}, {@code shadow-gate-promoted}, {@code shadow-gate-dismissed}
     * @param modelId the version it concerns
     * @param detail why, in words
     */
    public record Event(Instant at, String type, String modelId, String detail) {
    }

    RolloutState withShadow(Shadow s) {
        return new RolloutState(s, canary, events);
    }

    RolloutState withCanary(Canary c) {
        return new RolloutState(shadow, c, events);
    }

    RolloutState with(Event event) {
        List<Event> all = new ArrayList<>(events);
        all.add(event);
        return new RolloutState(shadow, canary, all.subList(Math.max(0, all.size() - MAX_EVENTS), all.size()));
    }

    /** The canary if it answers requests now. */
    Canary runningCanary() {
        return canary != null && canary.running() ? canary : null;
    }
}
