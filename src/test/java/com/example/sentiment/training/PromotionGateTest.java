package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.TestCorpus;
import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.LabelledTexts;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.model.ModelService;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PromotionGateTest {

    private static TextClassifier strong;
    private static TextClassifier weak;
    private static LabelledTexts heldOut;

    @BeforeAll
    static void train() {
        strong = TinyModel.train(300, 8);
        weak = TinyModel.train(20, 1);
        List<TestCorpus.Example> examples = TestCorpus.examples(100, 99);
        int[] labels = examples.stream().mapToInt(e -> TinyModel.LABELS.indexOf(e.label())).toArray();
        heldOut = new LabelledTexts(examples.stream().map(TestCorpus.Example::text).toList(), labels);
    }

    private static Optional<ModelService.LoadedModel> active(TextClassifier classifier) {
        return Optional.of(new ModelService.LoadedModel("20261201-000000-aaaa", null, classifier));
    }

    @Test
    void aWeakCandidateKeepsTheActiveModel() {
        Promotion p = new PromotionGate(0.005).decide(weak, active(strong), TinyModel.LABELS, heldOut);
        assertThat(p.decision()).isEqualTo("kept-active");
        assertThat(p.activeMacroF1()).isGreaterThan(p.candidateMacroF1());
        assertThat(p.examples()).isEqualTo(100);
        assertThat(p.activeModelId()).isEqualTo("20261201-000000-aaaa");
        assertThat(p.reason()).contains("not better by the margin 0.0050");
    }

    @Test
    void aBetterCandidateIsActivatedOnlyByTheMargin() {
        Promotion better = new PromotionGate(0.005).decide(strong, active(weak), TinyModel.LABELS, heldOut);
        assertThat(better.decision()).isEqualTo("activated");
        assertThat(better.candidateMacroF1() - better.activeMacroF1()).isGreaterThanOrEqualTo(0.005);
        // the same model against itself is not better by any margin, but a zero margin lets a tie through
        assertThat(new PromotionGate(0.005).decide(strong, active(strong), TinyModel.LABELS, heldOut).decision())
                .isEqualTo("kept-active");
        assertThat(new PromotionGate(0).decide(strong, active(strong), TinyModel.LABELS, heldOut).decision())
                .isEqualTo("activated");
        double gap = better.candidateMacroF1() - better.activeMacroF1();
        assertThat(new PromotionGate(gap + 0.001).decide(strong, active(weak), TinyModel.LABELS, heldOut).decision())
                .isEqualTo("kept-active");
    }

    @Test
    void withNoActiveModelTheCandidateIsActivated() {
        Promotion p = new PromotionGate(0.005).decide(weak, Optional.empty(), TinyModel.LABELS, heldOut);
        assertThat(p.decision()).isEqualTo("activated");
        assertThat(p.activeMacroF1()).isNull();
        assertThat(p.activeModelId()).isNull();
    }

    @Test
    void anActiveModelWithOtherLabelsStaysActive() {
        Promotion p = new PromotionGate(0.005).decide(strong, active(weak), List.of("negative", "neutral"), heldOut);
        assertThat(p.decision()).isEqualTo("kept-active");
        assertThat(p.activeMacroF1()).isNull();
        assertThat(p.reason()).contains("other labels");
    }
}
