package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ONNX encoders' states against ONNX Runtime's own output, batched against one text at a time. */
class OnnxEncoderTest {

    private static final String TEXT = "A quiet, sincere film -- I didn't expect to be this moved by it.";

    private static EncoderCatalogue catalogue;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        catalogue = new EncoderCatalogue(null);
    }

    @AfterAll
    static void close() {
        catalogue.close();
    }

    /** A catalogue of its own: the session opens on the first states, not for the pieces or the width. */
    @ParameterizedTest
    @ValueSource(strings = {EncoderCatalogue.E5_SMALL, EncoderCatalogue.MINILM_L6})
    void statesAreOnnxRuntimesOwnOutputForTheReferenceTokenizersIds(String name) throws Exception {
        try (EncoderCatalogue own = new EncoderCatalogue(null)) {
            PretrainedEncoder encoder = own.get(name);
            long[] ids;
            try (HuggingFaceTokenizer reference = EncoderFixtures.reference(name, dir)) {
                ids = reference.encode(TEXT).getIds();
            }
            int[] pieces = encoder.pieces(TEXT, 128);
            assertThat(EncoderFixtures.toLongs(pieces)).containsExactly(ids);
            assertThat(encoder.dimension()).isEqualTo(384);
            assertThat(OnnxSessions.isOpen(encoder)).as("session open before any states").isFalse();

            float[][] expected = runAlone(EncoderFixtures.modelBytes(name), ids);
            float[][] actual = encoder.states(List.of(pieces))[0];
            assertThat(OnnxSessions.isOpen(encoder)).isTrue();
            assertThat(actual.length).isEqualTo(ids.length);
            for (int t = 0; t < ids.length; t++) {
                assertThat(actual[t]).hasSize(384);
                for (int d = 0; d < 384; d++) {
                    assertThat(actual[t][d]).as("piece %d, component %d", t, d).isCloseTo(expected[t][d], Offset.offset(1e-5f));
                }
            }
            own.close();
            assertThat(OnnxSessions.isOpen(encoder)).as("closed with its catalogue").isFalse();
        }
    }

    /** Callers that meet an unopened encoder at once share one session, and get the same states. */
    @Test
    void concurrentFirstCallsOpenOneSession() throws Exception {
        byte[] model = EncoderFixtures.modelBytes(EncoderCatalogue.MINILM_L6);
        AtomicInteger opened = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (OnnxEncoder encoder = OnnxEncoder.of("counted", EncoderFixtures.tokenizer(EncoderCatalogue.MINILM_L6),
                EncoderCatalogue.BUNDLED_DIMENSION, (env, options) -> {
                    opened.incrementAndGet();
                    return env.createSession(model, options);
                })) {
            List<int[]> pieces = List.of(encoder.pieces(TEXT, 128));
            CountDownLatch start = new CountDownLatch(1);
            List<Future<float[][][]>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return encoder.states(pieces);
                }));
            }
            start.countDown();
            float[][][] first = calls.get(0).get();
            for (Future<float[][][]> call : calls) {
                assertThat(call.get()[0]).isDeepEqualTo(first[0]);
            }
            assertThat(opened.get()).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
    }

    /** An encoder whose width is not known beforehand learns it from its graph, and a wrong known width is refused. */
    @Test
    void aWidthNotKnownBeforehandIsReadFromTheGraphAndAWrongOneIsRefused() throws Exception {
        byte[] model = EncoderFixtures.modelBytes(EncoderCatalogue.MINILM_L6);
        WordPieceTokenizer tokenizer = EncoderFixtures.tokenizer(EncoderCatalogue.MINILM_L6);
        try (OnnxEncoder unknown = OnnxEncoder.of("unknown-width", tokenizer, 0, (env, options) -> env.createSession(model, options));
             OnnxEncoder wrong = OnnxEncoder.of("wrong-width", tokenizer, 768, (env, options) -> env.createSession(model, options))) {
            assertThat(unknown.sessionOpen()).isFalse();
            assertThat(unknown.dimension()).isEqualTo(384);
            assertThat(unknown.sessionOpen()).isTrue();
            assertThat(wrong.dimension()).isEqualTo(768);
            assertThatThrownBy(() -> wrong.states(List.of(wrong.pieces("a film", 16))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("Encoder wrong-width gives 384 values a piece, not the expected 768");
            assertThat(wrong.sessionOpen()).isFalse();
        }
    }

    /**
     * The int8 encoders quantise activations with a scale taken over the whole batch, so a text's states move a
     * little with its batch-mates (measured on these sentences: mean absolute difference 0.04 for bge-small, of e5-small's shape, and
     * 0.05 for MiniLM, largest single component 0.36 and 0.59). What must hold regardless: every text gets states
     * of its own length in input order, close to its states alone, and closer to those than to any other text's.
     */
    @ParameterizedTest
    @ValueSource(strings = {EncoderCatalogue.E5_SMALL, EncoderCatalogue.MINILM_L6})
    void aMixedBatchGivesEachTextItsOwnStatesInInputOrder(String name) {
        PretrainedEncoder encoder = catalogue.get(name);
        List<int[]> pieces = piecesOfTheFixture(encoder);
        float[][][] batched = encoder.states(pieces);
        float[][][] alone = new float[pieces.size()][][];
        for (int i = 0; i < pieces.size(); i++) {
            alone[i] = encoder.states(List.of(pieces.get(i)))[0];
        }
        assertThat(batched.length).isEqualTo(pieces.size());
        double difference = 0;
        long components = 0;
        for (int i = 0; i < pieces.size(); i++) {
            assertThat(batched[i].length).as("states of text %d", i).isEqualTo(pieces.get(i).length);
            for (int t = 0; t < batched[i].length; t++) {
                assertThat(batched[i][t]).hasSize(encoder.dimension());
                for (int d = 0; d < batched[i][t].length; d++) {
                    difference += Math.abs(batched[i][t][d] - alone[i][t][d]);
                    components++;
                }
            }
            assertThat(nearest(mean(batched[i]), alone)).as("text whose states alone are nearest to text %d's", i).isEqualTo(i);
        }
        assertThat(difference / components).as("mean absolute difference, batched against alone").isLessThan(0.1);
    }

    /** A float model's states do not depend on the batch: padding and masking are then checked exactly. */
    @Test
    void paddingChangesNoStateOfAFloatModel() throws Exception {
        byte[] model;
        try (var in = EncoderCatalogue.Resources.resource("all-minilm-l6-v2.onnx")) {
            model = in.readAllBytes();
        }
        try (OnnxEncoder encoder = OnnxEncoder.of("minilm-l6-fp32", EncoderFixtures.tokenizer(EncoderCatalogue.MINILM_L6),
                EncoderCatalogue.BUNDLED_DIMENSION, (env, options) -> env.createSession(model, options))) {
            List<int[]> pieces = piecesOfTheFixture(encoder);
            float[][][] batched = encoder.states(pieces);
            for (int i = 0; i < pieces.size(); i++) {
                float[][] alone = encoder.states(List.of(pieces.get(i)))[0];
                assertThat(batched[i].length).isEqualTo(pieces.get(i).length);
                for (int t = 0; t < alone.length; t++) {
                    for (int d = 0; d < alone[t].length; d++) {
                        assertThat(batched[i][t][d]).as("text %d, piece %d, component %d", i, t, d)
                                .isCloseTo(alone[t][d], Offset.offset(1e-4f));
                    }
                }
            }
        }
    }

    @Test
    void refusesSequencesItCannotRun() {
        PretrainedEncoder encoder = catalogue.get(EncoderCatalogue.MINILM_L6);
        assertThat(encoder.states(List.of())).isEmpty();
        assertThatThrownBy(() -> encoder.states(List.of(new int[0]))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not 0");
        assertThatThrownBy(() -> encoder.states(List.of(new int[] {101, 30522, 102})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the vocabulary");
        assertThatThrownBy(() -> encoder.states(List.of(new int[513]))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not 513");
        // however long the text, no more pieces than the encoder has positions
        int[] longest = encoder.pieces("word ".repeat(1000), 5000);
        assertThat(longest).hasSize(OnnxEncoder.MAX_POSITIONS);
        assertThat(longest[longest.length - 1]).isEqualTo(102);
    }

    /** The fixture's sentences (lengths 4 to 30 pieces), 38 of them: a batch of 32 and one of 6. */
    private static List<int[]> piecesOfTheFixture(PretrainedEncoder encoder) {
        List<int[]> pieces = new ArrayList<>();
        for (String sentence : EncoderFixtures.sentences()) {
            pieces.add(encoder.pieces(sentence, 128));
        }
        return pieces;
    }

    private static float[] mean(float[][] states) {
        float[] mean = new float[states[0].length];
        for (float[] state : states) {
            for (int d = 0; d < mean.length; d++) {
                mean[d] += state[d] / states.length;
            }
        }
        return mean;
    }

    private static int nearest(float[] vector, float[][][] candidates) {
        int best = -1;
        double bestDistance = Double.MAX_VALUE;
        for (int i = 0; i < candidates.length; i++) {
            float[] other = mean(candidates[i]);
            double distance = 0;
            for (int d = 0; d < vector.length; d++) {
                distance += (vector[d] - other[d]) * (vector[d] - other[d]);
            }
            if (distance < bestDistance) {
                bestDistance = distance;
                best = i;
            }
        }
        return best;
    }

    /** The encoder's output as ONNX Runtime gives it for one unpadded sequence, with a session of its own. */
    private static float[][] runAlone(byte[] model, long[] ids) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        long[] shape = {1, ids.length};
        long[] ones = new long[ids.length];
        Arrays.fill(ones, 1);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = environment.createSession(model, options);
             OnnxTensor input = OnnxTensor.createTensor(environment, new long[][] {ids});
             OnnxTensor mask = OnnxTensor.createTensor(environment, new long[][] {ones});
             OnnxTensor types = OnnxTensor.createTensor(environment, new long[][] {new long[ids.length]});
             OrtSession.Result result = session.run(Map.of("input_ids", input, "attention_mask", mask, "token_type_ids", types))) {
            return ((float[][][]) result.get("last_hidden_state").orElseThrow().getValue())[0];
        }
    }
}
