package com.example.sentiment.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.example.sentiment.ml.Calibration;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.model.ModelMetadata;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** Which answers abstain, and why: minConfidence, a precision target from the validation curve, an ambiguity margin. */
class AbstentionRuleTest {

    private static final String MODEL = "20261207-000000-cafe";

    // validation: top probabilities 0.95 .. 0.52, right or wrong; at >= 0.85 all 3 are right, at >= 0.7 4 of 5
    private static final Calibration CALIBRATION = Calibration.fit(
            new double[][] {{0.95, 0.05}, {0.9, 0.1}, {0.85, 0.15}, {0.2, 0.8}, {0.7, 0.3}, {0.4, 0.6}, {0.45, 0.55},
                {0.52, 0.48}},
            new int[] {0, 0, 0, 0, 0, 0, 0, 0});

    private static ModelMetadata metadata(Double minConfidence, Calibration calibration) {
        return new ModelMetadata(MODEL, "m", Instant.EPOCH, "job", List.of("negative", "positive"), null, 2, null, 1,
                null, null, List.of(), 1, 1, null, null, minConfidence, null, null, null, calibration);
    }

    private static Prediction prediction(double negative) {
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put("negative", negative);
        scores.put("positive", 1 - negative);
        return new Prediction(negative >= 0.5 ? "negative" : "positive", Math.max(negative, 1 - negative), scores, 3,
                false);
    }

    private static ClassificationResult answer(ModelMetadata m, ClassificationService.Options options, double negative) {
        return ClassificationResult.of(MODEL, prediction(negative), AbstentionRule.of(MODEL, m, options), null);
    }

    @Test
    void aPrecisionTargetAbstainsBelowTheThresholdThatReachesItOnValidation() {
        Calibration.PrecisionThreshold expected = CALIBRATION.thresholdFor(0.99);
        assertThat(expected.coverage()).as("the three right ones at the top").isEqualTo(3 / 8.0);
        double threshold = expected.threshold();
        // the calibrated confidences of the validation texts: the lowest of the top three, the highest of the rest
        double third = Calibration.scaled(new double[] {0.85, 0.15}, CALIBRATION.temperature())[0];
        double fourth = Calibration.scaled(new double[] {0.8, 0.2}, CALIBRATION.temperature())[0];
        assertThat(threshold).isGreaterThan(fourth).isLessThanOrEqualTo(third);

        ClassificationService.Options options = new ClassificationService.Options(false, null, 0.99, null);
        ClassificationResult sure = answer(metadata(null, CALIBRATION), options, third);
        assertThat(sure.abstained()).isFalse();
        assertThat(sure.label()).isEqualTo("negative");
        assertThat(sure.abstainedReason()).isNull();
        assertThat(sure.precisionTarget()).isEqualTo(expected);
        ClassificationResult unsure = answer(metadata(null, CALIBRATION), options, fourth);
        assertThat(unsure.abstained()).isTrue();
        assertThat(unsure.label()).isNull();
        assertThat(unsure.abstainedReason()).isEqualTo("precision-target");
        assertThat(unsure.scores()).containsEntry("negative", fourth);
    }

    @Test
    void theVersionsDefaultTargetAppliesUnlessTheRequestSetsOne() {
        ModelMetadata m = metadata(null, CALIBRATION.withDefaults(0.99, null));
        double fourth = Calibration.scaled(new double[] {0.8, 0.2}, CALIBRATION.temperature())[0];
        assertThat(answer(m, ClassificationService.Options.PLAIN, fourth).abstainedReason())
                .isEqualTo("precision-target");
        // the request's lower target: everything is answered (5 of 8 right reaches 0.6)
        assertThat(answer(m, new ClassificationService.Options(false, null, 0.6, null), fourth).abstained())
                .isFalse();
    }

    @Test
    void anUnreachableTargetIs422ForARequestAndAbstainsOnEverythingAsAVersionDefault() {
        Calibration wrongAtTheTop = Calibration.fit(new double[][] {{0.99, 0.01}, {0.6, 0.4}}, new int[] {1, 0});
        PrecisionTargetException e = catchThrowableOfType(PrecisionTargetException.class, () -> AbstentionRule.of(MODEL,
                metadata(null, wrongAtTheTop), new ClassificationService.Options(false, null, 0.9, null)));
        assertThat(e.status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
        assertThat(e.getMessage()).contains("0.5000");
        ModelMetadata defaulted = metadata(null, wrongAtTheTop.withDefaults(0.9, null));
        for (double negative : new double[] {0.99, 0.01, 0.6}) {
            assertThat(answer(defaulted, ClassificationService.Options.PLAIN, negative).abstainedReason())
                    .isEqualTo("precision-target");
        }
    }

    @Test
    void aTargetOnAVersionWithoutCalibrationIs422AndOldVersionsAnswerAsBefore() {
        PrecisionTargetException e = catchThrowableOfType(PrecisionTargetException.class, () -> AbstentionRule.of(
                MODEL, metadata(null, null), new ClassificationService.Options(false, null, 0.9, null)));
        assertThat(e.getMessage()).contains("--calibrate");
        ClassificationResult plain = answer(metadata(null, null), ClassificationService.Options.PLAIN, 0.51);
        assertThat(plain.abstained()).isFalse();
        assertThat(plain.abstainedReason()).isNull();
        assertThat(plain.precisionTarget()).isNull();
    }

    @Test
    void topTwoWithinTheMarginAbstainAsAmbiguous() {
        ClassificationService.Options margin = new ClassificationService.Options(false, null, null, 0.1);
        ClassificationResult close = answer(metadata(null, null), margin, 0.54);
        assertThat(close.abstained()).isTrue();
        assertThat(close.abstainedReason()).isEqualTo("ambiguous");
        assertThat(close.label()).isNull();
        assertThat(answer(metadata(null, null), margin, 0.56).abstained()).isFalse();
        // the version's default margin, and the request's own overriding it
        ModelMetadata m = metadata(null, CALIBRATION.withDefaults(null, 0.3));
        assertThat(answer(m, ClassificationService.Options.PLAIN, 0.6).abstainedReason()).isEqualTo("ambiguous");
        assertThat(answer(m, margin, 0.6).abstained()).isFalse();
        // three labels: the gap is between the top two, not the top and the rest
        Prediction three = new Prediction("a", 0.45, Map.of("a", 0.45, "b", 0.4, "c", 0.15), 2, false);
        assertThat(AbstentionRule.topTwoGap(three)).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void minConfidenceKeepsItsMeaningAndComesFirst() {
        ClassificationService.Options all = new ClassificationService.Options(false, 0.9, null, 0.5);
        ClassificationResult low = answer(metadata(null, null), all, 0.6);
        assertThat(low.abstained()).isTrue();
        assertThat(low.abstainedReason()).isEqualTo("low-confidence");
        assertThat(answer(metadata(0.7, null), ClassificationService.Options.PLAIN, 0.65).abstainedReason())
                .isEqualTo("low-confidence");
        assertThat(answer(metadata(0.7, null), ClassificationService.Options.PLAIN, 0.75).abstained()).isFalse();
        // the old factory: abstained below minConfidence, with the reason
        ClassificationResult old = ClassificationResult.of(MODEL, prediction(0.6), 0.8, null);
        assertThat(old.abstained()).isTrue();
        assertThat(old.abstainedReason()).isEqualTo("low-confidence");
    }
}
