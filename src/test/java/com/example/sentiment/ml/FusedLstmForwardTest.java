package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.example.sentiment.TinyModel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused lstmLayer path gives the network's probabilities, for padded batches of mixed lengths. */
class FusedLstmForwardTest {

    @Test
    void givesExactlyTheNetworksProbabilities() {
        TextClassifier classifier = TinyModel.train(120, 2);
        assertThat(classifier.fused()).as("the default architecture has a fused path").isNotNull();
        Random random = new Random(5);
        int[][] sequences = new int[40][];
        for (int i = 0; i < sequences.length; i++) {
            sequences[i] = random.ints(1 + random.nextInt(30), 0, classifier.vocabularySize()).toArray();
        }
        int[] rows = random.ints(0, sequences.length).distinct().limit(sequences.length).toArray();
        for (int[] range : List.of(new int[] {0, 1}, new int[] {0, 40}, new int[] {7, 23})) {
            float[][] fused = classifier.fused().probabilities(sequences, rows, range[0], range[1]);
            float[][] network = classifier.networkProbabilities(sequences, rows, range[0], range[1]);
            assertThat(fused.length).isEqualTo(range[1] - range[0]);
            for (int r = 0; r < fused.length; r++) {
                assertThat(fused[r]).containsExactly(network[r], within(1e-6f));
            }
        }
    }

    @Test
    void otherArchitecturesUseTheNetwork() {
        HyperParameters bidirectional = new HyperParameters(1, 8, 0.01, 8, 8, true, 0, 0, 20, 1, 100, 1, 0,
                HyperParameters.Pooling.MAX, null, false, HyperParameters.Engine.DL4J);
        List<String> texts = List.of("good film", "bad film", "great", "awful", "good", "bad");
        LabelledTexts data = new LabelledTexts(texts, new int[] {1, 0, 1, 0, 1, 0});
        TextClassifier pooled = new ClassifierTrainer().train(data, data, TinyModel.LABELS, bidirectional, null,
                TrainingObserver.NONE, () -> false).classifier();
        assertThat(pooled.fused()).isNull();
        assertThat(pooled.classify("good film").scores()).hasSize(2);
    }
}
