package com.example.sentiment.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.model.ModelService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shadow report's count of corrections (for the {@code feedback-win} gate): a correction scores for the version
 * whose label it gives, only on a text this replica compared for the current shadow and the two answered
 * differently, and once per text.
 */
class ShadowComparisonTest {

    private static final String ACTIVE = "20261207-010000-aaaa";
    private static final String SHADOW = "20261207-020000-cccc";
    private static final SentimentProperties.Rollout SETTINGS = new SentimentProperties.Rollout(false, 100, 5, 100,
            Duration.ofSeconds(1), Duration.ofHours(1), SentimentProperties.PromotionGate.FEEDBACK_WIN,
            new SentimentProperties.ShadowGate(100, 0.9, 1.0, 30, 3));

    private ShadowComparison comparison;

    @AfterEach
    void close() {
        comparison.close();
    }

    private static Prediction said(String label) {
        return new Prediction(label, 0.9, Map.of(label, 0.9), 3, false);
    }

    @Test
    void correctionsScoreForTheVersionTheyProveRightOnlyWhereTheTwoDiffered() {
        // the shadow answers "positive" to everything; the active version's answers are the test's below
        TextClassifier shadowClassifier = mock(TextClassifier.class);
        when(shadowClassifier.classify(anyList())).thenAnswer(i -> ((List<?>) i.getArgument(0)).stream()
                .map(t -> said("positive")).toList());
        ModelService models = mock(ModelService.class);
        when(models.resolve(SHADOW)).thenReturn(new ModelService.LoadedModel(SHADOW, null, shadowClassifier));
        comparison = new ShadowComparison(models, SETTINGS, new SimpleMeterRegistry());
        RolloutState.Shadow shadow = new RolloutState.Shadow(SHADOW, 1.0, Instant.now());

        comparison.offer(shadow, ACTIVE, List.of("a", "b", "c"), List.of(said("negative"), said("negative"),
                said("positive")), 1000);
        await().atMost(Duration.ofSeconds(10)).until(() -> comparison.report(shadow).compared() == 3);

        comparison.corrected("a", "positive");  // the shadow was right
        comparison.corrected("a", "positive");  // the same text again: counted once
        comparison.corrected("b", "negative");  // the active version was right
        comparison.corrected("c", "negative");  // both said positive: no winner
        comparison.corrected("never compared", "positive");
        ShadowComparison.Report report = comparison.report(shadow);
        assertThat(report.correctionsShadowRight()).isEqualTo(1);
        assertThat(report.correctionsActiveRight()).isEqualTo(1);

        // only the most recent feedback-texts (3 here) are kept to match corrections against
        comparison.offer(shadow, ACTIVE, List.of("d", "e", "f", "g"), List.of(said("negative"), said("negative"),
                said("negative"), said("negative")), 1000);
        await().atMost(Duration.ofSeconds(10)).until(() -> comparison.report(shadow).compared() == 7);
        comparison.corrected("d", "positive"); // pushed out by e, f, g
        comparison.corrected("g", "positive");
        assertThat(comparison.report(shadow).correctionsShadowRight()).isEqualTo(2);

        // a new shadow starts afresh
        RolloutState.Shadow next = new RolloutState.Shadow(SHADOW, 1.0, Instant.now().plusSeconds(1));
        assertThat(comparison.report(next).correctionsShadowRight()).isZero();
    }
}
