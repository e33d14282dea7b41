package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The encoder's states joined with the vector of each piece's word (issue 25's experiment). */
class JoinedStepVectorsTest {

    // two texts of 3 and 2 steps, states of 3 values, word vectors of 2
    private final float[][][] states = {
        {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}},
        {{-1, -2, -3}, {-4, -5, -6}},
    };
    private final float[][] words = {{0.5f, 0.25f}, {-0.5f, 2f}};
    private final int[][] wordOfStep = {{-1, 1, 0}, {0, -1}};

    @Test
    void eachStepIsItsStateThenItsWordsVectorAndZerosForAPieceWithoutOne() {
        StepVectors stateVectors = StepVectors.of(states, 3);
        JoinedStepVectors joined = new JoinedStepVectors(stateVectors, wordOfStep, words);
        int[] rows = {0, 1};

        INDArray[] featuresAndMask = joined.featuresAndMask(rows, 0, 2);
        INDArray features = featuresAndMask[0];

        assertThat(joined.dimension).isEqualTo(5);
        assertThat(features.shape()).containsExactly(2, 3, 5);
        assertThat(features.slice(0).toFloatMatrix()).isEqualTo(new float[][] {
            {1, 2, 3, 0, 0}, {4, 5, 6, -0.5f, 2f}, {7, 8, 9, 0.5f, 0.25f}});
        // the shorter text's padding stays zero
        assertThat(features.slice(1).toFloatMatrix()).isEqualTo(new float[][] {
            {-1, -2, -3, 0.5f, 0.25f}, {-4, -5, -6, 0, 0}, {0, 0, 0, 0, 0}});
        // the lengths, and so the mask, are the states' own
        assertThat(featuresAndMask[1].toFloatMatrix()).isEqualTo(stateVectors.featuresAndMask(rows, 0, 2)[1].toFloatMatrix())
                .isEqualTo(new float[][] {{1, 1, 1}, {1, 1, 0}});
        assertThat(joined.size()).isEqualTo(2);
        assertThat(joined.length(1)).isEqualTo(2);
    }

    @Test
    void dl4jsLstmReadsTheSameValuesFeatureMajor() {
        JoinedStepVectors joined = new JoinedStepVectors(StepVectors.of(states, 3), wordOfStep, words);

        INDArray features = joined.forEngine(HyperParameters.Engine.DL4J).featuresAndMask(new int[] {0}, 0, 1)[0];

        assertThat(features.shape()).containsExactly(1, 5, 3);
        assertThat(features.getFloat(0, 3, 1)).isEqualTo(-0.5f);
        assertThat(features.getFloat(0, 4, 2)).isEqualTo(0.25f);
        assertThat(features.getFloat(0, 3, 0)).isZero();
    }

    @Test
    void refusesWordsThatDoNotMatchTheSteps() {
        assertThatThrownBy(() -> new JoinedStepVectors(StepVectors.of(states, 3), new int[][] {{-1, 1, 0}, {0}}, words))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text 1 has 2 steps and 1 words");
    }

    @Test
    void eachPieceKnowsTheWordItCameFromAndTheMarkersNone() {
        try (EncoderCatalogue catalogue = new EncoderCatalogue(null)) {
            PretrainedEncoder encoder = catalogue.get(EncoderCatalogue.E5_SMALL);
            // "unbelievably" is several pieces in e5-small's vocabulary, "film" one
            List<String> tokens = List.of("an", "unbelievably", "dull", "film", ".");
            int[] pieces = EncoderPieces.of(encoder, tokens, 100);
            int[] words = EncoderPieces.wordOfPiece(encoder, tokens, pieces);

            assertThat(pieces.length).isGreaterThan(tokens.size() + 2);
            assertThat(words[0]).isEqualTo(-1);
            assertThat(words[words.length - 1]).isEqualTo(-1);
            assertThat(java.util.Arrays.copyOfRange(words, 1, words.length - 1)).isSorted()
                    .contains(0, 1, 2, 3, 4);
            assertThat(java.util.Arrays.stream(words).filter(w -> w == 1).count()).isGreaterThan(1);

            // cut short: the first pieces keep their words, the end marker none
            int[] cut = EncoderPieces.of(encoder, tokens, 4);
            assertThat(EncoderPieces.wordOfPiece(encoder, tokens, cut)).containsExactly(-1, 0, 1, -1);
        }
    }

    @Test
    void trainsANetworkThatReadsTheStatesAndTheWordVectors(@TempDir Path dir) throws IOException {
        HashedPieceEncoder encoder = new HashedPieceEncoder("hashed", EncoderModelTest.DIMENSION);
        Map<String, float[]> vectors = new LinkedHashMap<>();
        vectors.put("good", new float[] {1, 0, 0, 0});
        vectors.put("bad", new float[] {0, 1, 0, 0});
        Path file = dir.resolve("tiny.vec");
        WordVectorTable.write(file, vectors);

        JoinedInputTraining.Outcome outcome = JoinedInputTraining.train(HashedPieceEncoder.lookup(encoder),
                EncoderModelTest.texts(200, 3), EncoderModelTest.texts(60, 4), EncoderModelTest.texts(100, 11),
                EncoderModelTest.LABELS, EncoderModelTest.settings(12, HyperParameters.Engine.FUSED, true,
                        HyperParameters.Pooling.LAST_MAX, 1), WordVectorTable.open(file), TrainingObserver.NONE);

        assertThat(outcome.result().hyperParameters().embeddingSize()).as("states then word vectors")
                .isEqualTo(EncoderModelTest.DIMENSION + 4);
        assertThat(outcome.dev().accuracy()).isGreaterThan(0.85);
        assertThat(outcome.coveredWords()).as("good and bad").isEqualTo(2);
        assertThat(outcome.distinctWords()).isGreaterThan(2);
    }
}
