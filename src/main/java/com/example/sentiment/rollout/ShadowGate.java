package com.example.sentiment.rollout;

import com.example.sentiment.DaemonThreads;
import com.example.sentiment.SentimentProperties;
import jakarta.annotation.PreDestroy;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The shadow gate of {@code sentiment.rollout.promotion-gate=shadow-agreement} (or {@code feedback-win}, judged on
 * corrections instead: {@link #judgeFeedback}): a version that beat the active one
 * on a training job's held-out data is not activated at once but made the shadow, and this replica checks its
 * report every {@code sentiment.rollout.guard-interval}. Once enough texts were compared, an agreement with the
 * active version whose 95% interval lies at or above the minimum activates it; one whose interval lies wholly
 * below dismisses it (it stays stored). The decision is stored as a compare-and-set on the rollout state, so it is
 * taken once and every replica obeys it; a replica judges the texts it compared itself (the report is per replica).
 */
@Component
public class ShadowGate {

    private static final Logger log = LoggerFactory.getLogger(ShadowGate.class);

    /** What the gate makes of a report. */
    enum Verdict { WAIT, PROMOTE, DISMISS }

    private final Rollouts rollouts;
    private final ShadowComparison comparison;
    private final SentimentProperties.Rollout settings;
    private final ScheduledExecutorService scheduler;

    @Autowired
    ShadowGate(Rollouts rollouts, ShadowComparison comparison, SentimentProperties properties) {
        this(rollouts, comparison, properties.rollout());
    }

    ShadowGate(Rollouts rollouts, ShadowComparison comparison, SentimentProperties.Rollout settings) {
        this.rollouts = rollouts;
        this.comparison = comparison;
        this.settings = settings;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("shadow-gate"));
        long every = settings.guardInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void close() {
        scheduler.shutdownNow();
    }

    /** Whether {@code "activate": "if-better"} goes through the shadow gate (the setting). */
    public boolean enabled() {
        return settings.promotionGate() != SentimentProperties.PromotionGate.HELD_OUT;
    }

    private boolean onFeedback() {
        return settings.promotionGate() == SentimentProperties.PromotionGate.FEEDBACK_WIN;
    }

    /** The rule in words, for a training job's promotion record. */
    public String describe() {
        SentimentProperties.ShadowGate gate = settings.shadowGate();
        if (onFeedback()) {
            return String.format(Locale.ROOT, "it is the shadow version now (sample rate %s) and is activated once, "
                    + "among at least %d corrections of texts the two versions answered differently, it is right "
                    + "significantly more often than the active version (one-sided sign test at 5%%), dismissed if "
                    + "the active version is (GET /api/v1/models/shadow, /api/v1/models/events)", gate.sampleRate(),
                    gate.minCorrections());
        }
        return String.format(Locale.ROOT, "it is the shadow version now (sample rate %s) and is activated once at "
                + "least %d texts were compared with the active version and the 95%% lower bound of their agreement "
                + "is at least %.4f, dismissed if the upper bound falls below it (GET /api/v1/models/shadow, "
                + "/api/v1/models/events)", gate.sampleRate(), gate.minCompared(), gate.minAgreement());
    }

    /**
     * Makes a training job's new version the gated shadow.
     *
     * @param modelId the new version (stored, not active)
     * @param trainingJobId the job
     * @param activeModelId the active version it beat on held-out data
     * @param why the held-out comparison in words
     * @throws RuntimeException when the rollout state cannot be stored: the version is then not awaiting anything
     */
    public void await(String modelId, String trainingJobId, String activeModelId, String why) {
        SentimentProperties.ShadowGate gate = settings.shadowGate();
        String rule = onFeedback() ? RolloutState.Gate.FEEDBACK : RolloutState.Gate.AGREEMENT;
        rollouts.setGatedShadow(modelId, gate.sampleRate(),
                new RolloutState.Gate(trainingJobId, activeModelId, gate.minCompared(), gate.minAgreement(), rule,
                        gate.minCorrections()),
                "training job " + trainingJobId + ": " + why + (onFeedback()
                        ? String.format(Locale.ROOT, "; promoted when right more often than the active version "
                                + "over at least %d corrections", gate.minCorrections())
                        : String.format(Locale.ROOT, "; promoted at agreement >= %.4f (95%% lower bound) over at "
                                + "least %d compared texts", gate.minAgreement(), gate.minCompared())));
        log.info("Model {} of training job {} awaits its shadow gate", modelId, trainingJobId);
    }

    /**
     * The gate's rule: nothing before {@code minCompared} texts; then promote when the 95% Wilson interval of
     * the agreement lies at or above {@code minAgreement} at its lower end, dismiss when its upper end is below
     * it, and wait (for more texts) while the interval straddles it.
     */
    static Verdict judge(long compared, long agreed, long minCompared, double minAgreement) {
        if (compared < minCompared || compared == 0) {
            return Verdict.WAIT;
        }
        double[] interval = ShadowComparison.wilson(agreed, compared);
        if (interval[0] >= minAgreement) {
            return Verdict.PROMOTE;
        }
        return interval[1] < minAgreement ? Verdict.DISMISS : Verdict.WAIT;
    }

    /**
     * The {@code feedback-win} rule, on corrections of texts the two versions answered differently with one of
     * them right: nothing before {@code minCorrections} of them; then promote when a one-sided sign test says the
     * shadow is right more often than the active version at the 5% level, dismiss when it says the reverse, and
     * wait otherwise.
     */
    static Verdict judgeFeedback(long shadowRight, long activeRight, long minCorrections) {
        long n = shadowRight + activeRight;
        if (n < minCorrections || n == 0) {
            return Verdict.WAIT;
        }
        if (atLeast(shadowRight, n) <= 0.05) {
            return Verdict.PROMOTE;
        }
        return atLeast(activeRight, n) <= 0.05 ? Verdict.DISMISS : Verdict.WAIT;
    }

    /** P(X >= k) for X ~ Binomial(n, 1/2), summed in logarithms so that large n stay finite. */
    static double atLeast(long k, long n) {
        double sum = 0;
        double logTerm = logChoose(n, k) - n * Math.log(2);
        for (long i = k; i <= n; i++) {
            sum += Math.exp(logTerm);
            // C(n, i + 1) = C(n, i) (n - i) / (i + 1)
            logTerm += Math.log(n - i) - Math.log(i + 1);
        }
        return Math.min(1, sum);
    }

    private static double logChoose(long n, long k) {
        double sum = 0;
        for (long i = 1; i <= k; i++) {
            sum += Math.log(n - k + i) - Math.log(i);
        }
        return sum;
    }

    /** Checks the gated shadow once against this replica's report; a decision is stored (and carried out). */
    void check() {
        try {
            RolloutState.Shadow shadow = rollouts.state().shadow();
            if (shadow == null || shadow.gate() == null) {
                return;
            }
            RolloutState.Gate gate = shadow.gate();
            if (shadow.modelId().equals(rollouts.activeId())) {
                // activated by other means: nothing is left to compare it with
                rollouts.endGatedShadow(shadow, "shadow-gate-ended", "the version is active already");
                return;
            }
            ShadowComparison.Report report = comparison.report(shadow);
            Verdict verdict = gate.onFeedback()
                    ? judgeFeedback(report.correctionsShadowRight(), report.correctionsActiveRight(),
                            gate.minCorrections())
                    : judge(report.compared(), report.agreed(), gate.minCompared(), gate.minAgreement());
            if (verdict == Verdict.WAIT) {
                return;
            }
            String figures = gate.onFeedback()
                    ? String.format(Locale.ROOT, "of %d corrections of texts the two answered differently, %d "
                            + "gave the shadow's label and %d the active version %s's (sign test, 5%%)",
                            report.correctionsShadowRight() + report.correctionsActiveRight(),
                            report.correctionsShadowRight(), report.correctionsActiveRight(), rollouts.activeId())
                    : String.format(Locale.ROOT, "agreement %.4f (95%% interval %.4f to %.4f) with the "
                            + "active version %s on %d compared texts; minimum %.4f", report.agreement(),
                            report.agreementLow(), report.agreementHigh(), rollouts.activeId(), report.compared(),
                            gate.minAgreement());
            if (verdict == Verdict.DISMISS) {
                if (rollouts.endGatedShadow(shadow, "shadow-gate-dismissed", figures + ": dismissed, the version "
                        + "stays stored, not active")) {
                    log.warn("Model {} dismissed by its shadow gate: {}", shadow.modelId(), figures);
                }
                return;
            }
            if (rollouts.endGatedShadow(shadow, "shadow-gate-promoted", figures + ": activated")) {
                try {
                    rollouts.activate(shadow.modelId());
                    log.info("Model {} activated by its shadow gate: {}", shadow.modelId(), figures);
                } catch (RuntimeException e) {
                    log.warn("Model {} passed its shadow gate but cannot be activated ({}); it stays the shadow",
                            shadow.modelId(), e.getMessage());
                    rollouts.restoreGatedShadow(shadow, "passed the gate but could not be activated: " + e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            log.warn("The shadow gate check failed: {}", e.getMessage(), e);
        }
    }
}
