package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.example.sentiment.TestCorpus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ensemble answers with the mean of its members' probabilities, and is stored and loaded as one model. */
class EnsembleTest {

    static TrainingResult ensemble;
    static List<TextClassifier> members;

    static HyperParameters settings(int members, long seed) {
        return new HyperParameters(3, 16, 0.01, 16, 16, false, 0.2, 0, 50, 1, 1000, seed, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null, 0, 0, 0, members);
    }

    @BeforeAll
    static void train() {
        LabelledTexts train = ClassifierTrainerTest.texts(TestCorpus.examples(150, 31));
        LabelledTexts validation = ClassifierTrainerTest.texts(TestCorpus.examples(40, 32));
        ensemble = new ClassifierTrainer().train(train, validation, ClassifierTrainerTest.LABELS, settings(3, 7),
                null, TrainingObserver.NONE, () -> false);
        // the same members trained alone: consecutive seeds of the same configuration
        members = List.of(7L, 8L, 9L).stream().map(seed -> new ClassifierTrainer().train(train, validation,
                ClassifierTrainerTest.LABELS, settings(1, seed), null, TrainingObserver.NONE, () -> false).classifier())
                .toList();
    }

    @Test
    void probabilitiesAreTheMeanOfTheMembers() {
        assertThat(ensemble.classifier().ensembleSize()).isEqualTo(3);
        assertThat(ensemble.memberEvaluations()).hasSize(3);
        List<String> texts = List.of("a good film", "bad and boring", "the film", "great great lovely acting");
        List<Prediction> together = ensemble.classifier().classify(texts);
        for (int t = 0; t < texts.size(); t++) {
            for (String label : ClassifierTrainerTest.LABELS) {
                double mean = 0;
                for (TextClassifier member : members) {
                    mean += member.classify(texts.get(t)).scores().get(label) / members.size();
                }
                assertThat(together.get(t).scores().get(label)).isCloseTo(mean, within(1e-6));
            }
        }
        // the members differ, or averaging would prove nothing
        assertThat(members.get(0).classify("the film").scores().get("positive"))
                .isNotCloseTo(members.get(1).classify("the film").scores().get("positive"), within(1e-4));
        assertThat(ensemble.classifier().parameterCount()).isEqualTo(3 * members.get(0).parameterCount());
    }

    @Test
    void isSavedAndLoadedAsOneModel(@TempDir Path dir) throws Exception {
        ensemble.classifier().save(dir);
        TextClassifier loaded = TextClassifier.load(dir, 50);
        assertThat(loaded.ensembleSize()).isEqualTo(3);
        for (String text : List.of("a good film", "bad and boring")) {
            assertThat(loaded.classify(text).scores().get("positive"))
                    .isCloseTo(ensemble.classifier().classify(text).scores().get("positive"), within(1e-6));
        }
    }
}
