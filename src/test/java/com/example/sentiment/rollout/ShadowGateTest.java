package com.example.sentiment.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.model.ModelService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shadow gate's rule, and its decision taken once through the store by replicas that each judge their own
 * figures (the figures are the test's: each replica's report is a double). {@link PostgresShadowGateIT} runs the
 * same against the scale-out mode's store.
 */
class ShadowGateTest {

    private static final String ACTIVE = "20261207-010000-aaaa";
    private static final String CANDIDATE = "20261207-020000-cccc";
    // checks run when the test says so: the scheduled check waits an hour
    private static final SentimentProperties.Rollout SETTINGS = new SentimentProperties.Rollout(false, 100, 5, 100,
            Duration.ofMillis(200), Duration.ofHours(1), SentimentProperties.PromotionGate.SHADOW_AGREEMENT,
            new SentimentProperties.ShadowGate(100, 0.9, 0.5, 30, 1000));

    @TempDir
    Path models;

    private final List<Runnable> closing = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        closing.forEach(Runnable::run);
    }

    /** A handle on the replicas' shared rollout state (the embedded default's file here). */
    protected RolloutStore store() {
        return new FileSystemRolloutStore(models);
    }

    // ---- the rule ----

    @Test
    void nothingIsDecidedBeforeTheMinimumOfComparedTextsHoweverClearTheFigures() {
        assertThat(ShadowGate.judge(0, 0, 100, 0.9)).isEqualTo(ShadowGate.Verdict.WAIT);
        assertThat(ShadowGate.judge(99, 99, 100, 0.9)).isEqualTo(ShadowGate.Verdict.WAIT);
        assertThat(ShadowGate.judge(99, 0, 100, 0.9)).isEqualTo(ShadowGate.Verdict.WAIT);
        assertThat(ShadowGate.judge(100, 100, 100, 0.9)).as("the minimum itself counts").isEqualTo(ShadowGate.Verdict.PROMOTE);
    }

    @Test
    void promotesWhenTheLowerBoundReachesTheMinimumDismissesWhenTheUpperBoundFallsBelowItAndWaitsBetween() {
        // 96% of 500: Wilson 95% interval about [0.938, 0.975]
        assertThat(ShadowGate.judge(500, 480, 500, 0.9)).isEqualTo(ShadowGate.Verdict.PROMOTE);
        // 91% of 500: about [0.882, 0.932], straddles 0.9: more texts are needed
        assertThat(ShadowGate.judge(500, 455, 500, 0.9)).isEqualTo(ShadowGate.Verdict.WAIT);
        // the same share of four times the texts: about [0.897, 0.922], still straddling
        assertThat(ShadowGate.judge(2000, 1820, 500, 0.9)).isEqualTo(ShadowGate.Verdict.WAIT);
        // 93% of 5000: about [0.923, 0.937]
        assertThat(ShadowGate.judge(5000, 4650, 500, 0.9)).isEqualTo(ShadowGate.Verdict.PROMOTE);
        // 85% of 500: about [0.816, 0.879], wholly below
        assertThat(ShadowGate.judge(500, 425, 500, 0.9)).isEqualTo(ShadowGate.Verdict.DISMISS);
        // the bound sits exactly where Wilson puts it
        double[] interval = ShadowComparison.wilson(480, 500);
        assertThat(ShadowGate.judge(500, 480, 500, interval[0])).isEqualTo(ShadowGate.Verdict.PROMOTE);
        assertThat(ShadowGate.judge(500, 480, 500, interval[0] + 1e-9)).isEqualTo(ShadowGate.Verdict.WAIT);
        assertThat(ShadowGate.judge(500, 480, 500, interval[1] + 1e-9)).isEqualTo(ShadowGate.Verdict.DISMISS);
    }

    @Test
    void theExtremeMinimaAlwaysPromoteOrNeverDo() {
        assertThat(ShadowGate.judge(10, 0, 10, 0.0)).isEqualTo(ShadowGate.Verdict.PROMOTE);
        // a lower bound of 1 needs infinitely many texts; one disagreement puts the upper bound below 1
        assertThat(ShadowGate.judge(1_000_000, 1_000_000, 10, 1.0)).isEqualTo(ShadowGate.Verdict.WAIT);
        assertThat(ShadowGate.judge(1000, 999, 10, 1.0)).isEqualTo(ShadowGate.Verdict.DISMISS);
    }

    @Test
    void theFeedbackRuleIsAOneSidedSignTestOnTheCorrectionsWhereTheVersionsDiffered() {
        assertThat(ShadowGate.judgeFeedback(29, 0, 30)).as("too few corrections").isEqualTo(ShadowGate.Verdict.WAIT);
        // P(X >= 20 | 30, 1/2) = 0.049, P(X >= 19 | 30, 1/2) = 0.100
        assertThat(ShadowGate.atLeast(20, 30)).isCloseTo(0.0494, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(ShadowGate.atLeast(19, 30)).isCloseTo(0.1002, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(ShadowGate.atLeast(0, 30)).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ShadowGate.judgeFeedback(20, 10, 30)).isEqualTo(ShadowGate.Verdict.PROMOTE);
        assertThat(ShadowGate.judgeFeedback(19, 11, 30)).isEqualTo(ShadowGate.Verdict.WAIT);
        assertThat(ShadowGate.judgeFeedback(10, 20, 30)).isEqualTo(ShadowGate.Verdict.DISMISS);
        assertThat(ShadowGate.judgeFeedback(0, 0, 1)).isEqualTo(ShadowGate.Verdict.WAIT);
        // large counts stay finite: 5,100 against 4,900 is significant (z about 2), 5,050 against 4,950 is not
        assertThat(ShadowGate.judgeFeedback(5100, 4900, 30)).isEqualTo(ShadowGate.Verdict.PROMOTE);
        assertThat(ShadowGate.judgeFeedback(5050, 4950, 30)).isEqualTo(ShadowGate.Verdict.WAIT);
    }

    // ---- replicas ----

    /** One replica: its rollout follower, a double of its shadow report, and its gate. */
    private record Replica(Rollouts rollouts, ModelService models, AtomicReference<long[]> figures, ShadowGate gate) {
    }

    private Replica replica() {
        return replica(SETTINGS);
    }

    private Replica replica(SentimentProperties.Rollout settings) {
        ModelService service = mock(ModelService.class);
        AtomicReference<String> active = new AtomicReference<>(ACTIVE);
        when(service.active()).thenAnswer(i -> Optional.of(new ModelService.LoadedModel(active.get(), null, null)));
        when(service.resolve(anyString())).thenAnswer(i -> new ModelService.LoadedModel(i.getArgument(0), null, null));
        when(service.activate(anyString())).thenAnswer(i -> {
            active.set(i.getArgument(0));
            return new ModelService.LoadedModel(i.getArgument(0), null, null);
        });
        Rollouts rollouts = new Rollouts(store(), service, new CanaryWindows(), settings, meters, Clock.systemUTC());
        AtomicReference<long[]> figures = new AtomicReference<>(new long[] {0, 0, 0, 0});
        ShadowComparison comparison = mock(ShadowComparison.class);
        when(comparison.report(any())).thenAnswer(i -> report(i.getArgument(0), figures.get()));
        ShadowGate gate = new ShadowGate(rollouts, comparison, settings);
        closing.add(gate::close);
        closing.add(rollouts::close);
        return new Replica(rollouts, service, figures, gate);
    }

    /** figures: compared, agreed, and optionally corrections giving the shadow's and the active version's label. */
    private static ShadowComparison.Report report(RolloutState.Shadow shadow, long[] figures) {
        long compared = figures[0];
        long agreed = figures[1];
        double[] interval = compared == 0 ? null : ShadowComparison.wilson(agreed, compared);
        ShadowComparison.Latency none = new ShadowComparison.Latency(0, null, null, null);
        return new ShadowComparison.Report(shadow.modelId(), shadow.sampleRate(), shadow.since(), compared, compared,
                agreed, compared == 0 ? null : (double) agreed / compared, interval == null ? null : interval[0],
                interval == null ? null : interval[1], Map.of(), none, none, 0, 0, 0, List.of(), false,
                figures.length > 2 ? figures[2] : 0, figures.length > 3 ? figures[3] : 0);
    }

    private static List<String> types(RolloutState state) {
        return state.events().stream().map(RolloutState.Event::type).toList();
    }

    @Test
    void aGatedShadowIsPromotedOnceAndEveryReplicaObeys() {
        Replica one = replica();
        Replica two = replica();
        one.gate().await(CANDIDATE, "job-1", ACTIVE, "macro-F1 0.91 against 0.88");
        two.rollouts().refresh();
        RolloutState.Shadow shadow = two.rollouts().state().shadow();
        assertThat(shadow.modelId()).isEqualTo(CANDIDATE);
        assertThat(shadow.sampleRate()).isEqualTo(0.5);
        assertThat(shadow.gate()).isEqualTo(new RolloutState.Gate("job-1", ACTIVE, 100, 0.9, RolloutState.Gate.AGREEMENT, 30));

        one.figures().set(new long[] {60, 60});
        one.gate().check();
        assertThat(one.rollouts().state().shadow()).as("too few texts yet").isNotNull();
        verify(one.models(), never()).activate(anyString());

        // replica one has seen enough and promotes; replica two, whose figures would dismiss, reads the decision
        one.figures().set(new long[] {150, 149});
        two.figures().set(new long[] {150, 100});
        one.gate().check();
        verify(one.models()).activate(CANDIDATE);
        two.gate().check(); // its copy is stale: its decision's compare-and-set finds the shadow gone
        verify(two.models(), never()).activate(anyString());
        RolloutState stored = store().current().state();
        assertThat(stored.shadow()).isNull();
        assertThat(types(stored)).containsExactly("shadow-gate-started", "shadow-gate-promoted");
        assertThat(stored.events().get(1).detail()).contains("150 compared texts", "minimum 0.9000", "activated");
        assertThat(stored.events().get(0).detail()).contains("training job job-1", "macro-F1 0.91 against 0.88");
        two.rollouts().refresh();
        assertThat(two.rollouts().state().shadow()).isNull();
    }

    @Test
    void aGatedShadowWhoseAgreementIsTooLowIsDismissedAndNeverActivated() {
        Replica one = replica();
        one.gate().await(CANDIDATE, "job-2", ACTIVE, "macro-F1 0.91 against 0.88");
        one.figures().set(new long[] {100, 70});
        one.gate().check();
        verify(one.models(), never()).activate(anyString());
        RolloutState stored = store().current().state();
        assertThat(stored.shadow()).isNull();
        assertThat(types(stored)).containsExactly("shadow-gate-started", "shadow-gate-dismissed");
        assertThat(stored.events().get(1).detail()).contains("agreement 0.7000", "dismissed");
        assertThat(stored.events().get(1).modelId()).isEqualTo(CANDIDATE);
    }

    @Test
    void underTheFeedbackRuleCorrectionsDecideAndAgreementDoesNot() {
        SentimentProperties.Rollout feedback = new SentimentProperties.Rollout(false, 100, 5, 100,
                Duration.ofMillis(200), Duration.ofHours(1), SentimentProperties.PromotionGate.FEEDBACK_WIN,
                new SentimentProperties.ShadowGate(100, 0.9, 0.5, 30, 1000));
        Replica one = replica(feedback);
        one.gate().await(CANDIDATE, "job-6", ACTIVE, "better");
        assertThat(one.rollouts().state().shadow().gate()).isEqualTo(
                new RolloutState.Gate("job-6", ACTIVE, 100, 0.9, RolloutState.Gate.FEEDBACK, 30));
        // an agreement that would dismiss it under shadow-agreement, and corrections that do not decide yet
        one.figures().set(new long[] {1000, 500, 19, 11});
        one.gate().check();
        assertThat(one.rollouts().state().shadow()).isNotNull();
        one.figures().set(new long[] {1000, 500, 22, 10}); // P(X >= 22 | 32, 1/2) = 0.025
        one.gate().check();
        verify(one.models()).activate(CANDIDATE);
        RolloutState stored = store().current().state();
        assertThat(types(stored)).containsExactly("shadow-gate-started", "shadow-gate-promoted");
        assertThat(stored.events().get(1).detail()).contains("of 32 corrections", "22 gave the shadow's label");

        one.gate().await("20261207-040000-eeee", "job-7", CANDIDATE, "better");
        one.figures().set(new long[] {0, 0, 5, 25});
        one.gate().check();
        assertThat(types(store().current().state())).last().isEqualTo("shadow-gate-dismissed");
    }

    @Test
    void aPromotionThatCannotBeActivatedPutsTheShadowBackToTryAgain() {
        Replica one = replica();
        one.gate().await(CANDIDATE, "job-3", ACTIVE, "better");
        RolloutState.Shadow shadow = one.rollouts().state().shadow();
        doThrow(new IllegalStateException("the pointer is unreachable")).when(one.models()).activate(CANDIDATE);
        one.figures().set(new long[] {200, 200});
        one.gate().check();
        RolloutState stored = store().current().state();
        assertThat(stored.shadow()).as("the same shadow: its report goes on").isEqualTo(shadow);
        assertThat(types(stored)).containsExactly("shadow-gate-started", "shadow-gate-promoted",
                "shadow-gate-promotion-failed");
    }

    @Test
    void aShadowSetByRequestIsNeverPromotedAndAGatedOneActivatedByHandEndsItsGate() {
        Replica one = replica();
        one.rollouts().setShadow(CANDIDATE, 1.0);
        one.figures().set(new long[] {1000, 1000});
        one.gate().check();
        verify(one.models(), never()).activate(anyString());
        assertThat(one.rollouts().state().shadow().modelId()).isEqualTo(CANDIDATE);

        one.gate().await(CANDIDATE, "job-4", ACTIVE, "better");
        one.models().activate(CANDIDATE); // by hand (PUT /models/active)
        one.gate().check();
        RolloutState stored = store().current().state();
        assertThat(stored.shadow()).isNull();
        assertThat(types(stored)).containsExactly("shadow-set", "shadow-gate-started", "shadow-gate-ended");
    }

    @Test
    void theRunningCanaryAndTheShadowAreVersionsInUse() {
        Replica one = replica();
        RolloutVersionsInUse inUse = new RolloutVersionsInUse(one.rollouts());
        assertThat(inUse.use(CANDIDATE)).isEmpty();
        one.gate().await(CANDIDATE, "job-5", ACTIVE, "better");
        assertThat(inUse.use(CANDIDATE)).hasValue("the shadow version, awaiting its shadow gate");
        one.rollouts().startCanary("20261207-030000-dddd", 10, RolloutState.Guards.DEFAULT);
        assertThat(inUse.use("20261207-030000-dddd")).hasValue("the running canary");
        one.rollouts().endCanary();
        assertThat(inUse.use("20261207-030000-dddd")).as("an ended canary serves nothing").isEmpty();
        assertThat(inUse.use(ACTIVE)).as("the active version is the model service's own refusal").isEmpty();
    }
}
