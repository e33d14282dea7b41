package com.example.sentiment.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.ml.Prediction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OcclusionTest {

    private static Prediction positive(double p) {
        return new Prediction(p >= 0.5 ? "positive" : "negative", Math.max(p, 1 - p),
                Map.of("negative", 1 - p, "positive", p), 3, false);
    }

    @Test
    void variantsAreTheTextThenEachTokenLeftOut() {
        assertThat(Occlusion.variants(List.of("a", "b", "c"), 100)).containsExactly(
                List.of("a", "b", "c"), List.of("b", "c"), List.of("a", "c"), List.of("a", "b"));
    }

    @Test
    void unreadTokensAreNeitherWeighedNorPulledIn() {
        List<String> tokens = List.of("a", "b", "c", "d");
        List<List<String>> variants = Occlusion.variants(tokens, 2);
        assertThat(variants).containsExactly(tokens, List.of("b"), List.of("a"));
        List<TokenWeight> weights = Occlusion.weights(tokens, 2, List.of(positive(0.8), positive(0.5), positive(0.9)));
        assertThat(weights).extracting(TokenWeight::token).containsExactly("a", "b");
    }

    @Test
    void aTextReadInWindowsKeepsItsOtherTokensInEveryVariant() {
        List<String> tokens = List.of("a", "b", "c", "d");
        // a model that reads long texts in windows: each variant is the whole text less one first-window token
        assertThat(Occlusion.variants(tokens, 2, true)).containsExactly(tokens, List.of("b", "c", "d"),
                List.of("a", "c", "d"));
    }

    @Test
    void weightIsTheDropOfThePredictedLabelsProbability() {
        List<TokenWeight> weights = Occlusion.weights(List.of("not", "good"), 100,
                List.of(positive(0.2), positive(0.9), positive(0.4)));
        // predicted negative (0.8): without "not" negative falls to 0.1, without "good" it falls to 0.6
        assertThat(weights.get(0).weight()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(weights.get(1).weight()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        List<TokenWeight> against = Occlusion.weights(List.of("x"), 100, List.of(positive(0.7), positive(0.9)));
        assertThat(against.get(0).weight()).as("a token whose removal raises the label speaks against it").isNegative();
    }

    @Test
    void predictionsMustMatchTheVariants() {
        assertThatThrownBy(() -> Occlusion.weights(List.of("a", "b"), 100, List.of(positive(0.5))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
