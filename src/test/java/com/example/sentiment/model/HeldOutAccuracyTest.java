package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.example.sentiment.ml.EvaluationReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeldOutAccuracyTest {

    private static EvaluationReport report(int examples, double accuracy) {
        return new EvaluationReport(examples, accuracy, accuracy - 0.01, List.of("neg", "pos"), List.of(), new int[0][], null, null);
    }

    private static ModelMetadata metadata(EvaluationReport validation, ModelMetadata.DatasetFingerprint dataset,
                                          Map<String, EvaluationReport> evaluations) {
        return new ModelMetadata("v", null, null, null, List.of("neg", "pos"), null, 10, null, 1, validation, dataset,
                List.of(), 1, 1, Map.of(), evaluations, null);
    }

    @Test
    void aRecordedEvaluationFileComesBeforeTheValidationData() {
        ModelMetadata m = metadata(report(6735, 0.936), null,
                Map.of("dev.csv", report(872, 0.861), "small.csv", report(50, 0.99)));
        HeldOutAccuracy a = HeldOutAccuracy.of(m).orElseThrow();
        assertThat(a.measuredOn()).isEqualTo("dev.csv (872 examples)");
        assertThat(a.accuracy()).isEqualTo(0.861);
        assertThat(a.standardError()).isCloseTo(Math.sqrt(0.861 * 0.139 / 872), within(1e-12));
        assertThat(a.describe()).isEqualTo("86.1% ± 1.2 on dev.csv (872 examples)");
    }

    @Test
    void otherwiseTheValidationDataSayingWhetherCopiesWereRemoved() {
        ModelMetadata.DatasetFingerprint now = new ModelMetadata.DatasetFingerprint("x", 100, 80, 18, Map.of(), "split", 2);
        assertThat(HeldOutAccuracy.of(metadata(report(18, 0.9), now, null)).orElseThrow().measuredOn())
                .isEqualTo("validation split (18 examples, duplicates removed)");
        ModelMetadata.DatasetFingerprint before = new ModelMetadata.DatasetFingerprint("x", 100, 80, 20, Map.of(), null, null);
        assertThat(HeldOutAccuracy.of(metadata(report(20, 0.9), before, Map.of())).orElseThrow().measuredOn())
                .isEqualTo("validation split (20 examples, copies of training examples not removed)");
        assertThat(HeldOutAccuracy.of(metadata(null, before, null))).isEmpty();
    }
}
