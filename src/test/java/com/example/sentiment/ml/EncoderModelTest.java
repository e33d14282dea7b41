package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.example.sentiment.TestCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models that read a pretrained encoder's states instead of word vectors, with {@link HashedPieceEncoder} in the
 * encoder's place: they learn, compute the states once per job, keep them on the heap or in a file, and load
 * only against the encoder they were trained with.
 */
class EncoderModelTest {

    static final List<String> LABELS = List.of("negative", "positive");
    static final int DIMENSION = 16;

    private final HashedPieceEncoder encoder = new HashedPieceEncoder("hashed", DIMENSION);
    private final PretrainedEncoders encoders = HashedPieceEncoder.lookup(encoder);

    /** Small settings that read the states of encoder {@code hashed}. */
    static HyperParameters settings(int epochs, HyperParameters.Engine engine, boolean bidirectional,
                                    HyperParameters.Pooling pooling, int members) {
        return new HyperParameters(epochs, 16, 0.01, 8, 16, bidirectional, 0.1, 0.1, 20, 1, 3, 7, 0, pooling, null,
                false, engine, HyperParameters.SelectionMetric.ACCURACY, 0, 0, 0, members,
                HyperParameters.ClassWeights.NONE, "hashed");
    }

    static LabelledTexts texts(int n, long seed) {
        List<String> texts = new ArrayList<>();
        List<TestCorpus.Example> examples = TestCorpus.examples(n, seed);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            texts.add(examples.get(i).text());
            labels[i] = LABELS.indexOf(examples.get(i).label());
        }
        return new LabelledTexts(texts, labels);
    }

    static Stream<Arguments> engines() {
        return Stream.of(Arguments.of(HyperParameters.Engine.FUSED, false, HyperParameters.Pooling.LAST),
                Arguments.of(HyperParameters.Engine.FUSED, true, HyperParameters.Pooling.LAST_MAX),
                Arguments.of(HyperParameters.Engine.DL4J, true, HyperParameters.Pooling.MEAN));
    }

    @ParameterizedTest(name = "{0}, bidirectional {1}, {2}")
    @MethodSource("engines")
    void learnsATaskFromTheEncodersStates(HyperParameters.Engine engine, boolean bidirectional,
                                          HyperParameters.Pooling pooling) {
        ClassifierTrainer trainer = new ClassifierTrainer(1, encoders, () -> Long.MAX_VALUE);
        TrainingResult result = trainer.train(texts(200, 3), texts(60, 4), LABELS,
                settings(12, engine, bidirectional, pooling, 1), null, TrainingObserver.NONE, () -> false);

        assertThat(result.hyperParameters().embeddingSize()).as("the LSTM reads the encoder's dimension")
                .isEqualTo(DIMENSION);
        assertThat(result.classifier().networkLayer(0)).as("no embedding layer")
                .isNotInstanceOf(org.deeplearning4j.nn.layers.feedforward.embedding.EmbeddingSequenceLayer.class);
        assertThat(result.classifier().vocabularySize()).isEqualTo(2);
        // texts it never saw, classified through the serving path (which runs the encoder itself)
        assertThat(result.classifier().evaluate(texts(100, 11)).accuracy()).isGreaterThan(0.85);
    }

    @Test
    void computesTheStatesOfEveryTextOnceAJobWhateverItsEpochsCandidatesAndMembers() {
        LabelledTexts train = texts(120, 3);
        LabelledTexts validation = texts(40, 4);
        EncodedTexts trainPieces = pieces(train, 20);
        EncodedTexts validationPieces = pieces(validation, 20);
        List<int[]> encoding = new ArrayList<>();
        TrainingObserver observer = new TrainingObserver() {
            @Override
            public void onEncoding(int done, int total) {
                encoding.add(new int[] {done, total});
            }

            @Override
            public void onBatch(int epoch, int batch, int totalBatches, double loss) {
            }

            @Override
            public void onEpoch(EpochMetrics metrics) {
            }
        };
        ConfigurationSearch search = new ConfigurationSearch(new ClassifierTrainer(1, encoders, () -> Long.MAX_VALUE));
        ConfigurationSearch.Outcome outcome = search.train(Vocabulary.reservedOnly(), trainPieces, validationPieces,
                LABELS, List.of(
                        new ConfigurationSearch.Candidate("one", settings(3, HyperParameters.Engine.FUSED, false,
                                HyperParameters.Pooling.LAST, 2)),
                        new ConfigurationSearch.Candidate("two", settings(3, HyperParameters.Engine.FUSED, true,
                                HyperParameters.Pooling.MAX, 1))),
                3600, null, observer, () -> false);

        assertThat(outcome.candidates()).allMatch(c -> c.epochs() == 3);
        assertThat(encoder.textsEncoded()).as("each text once, for 2 candidates, 2 members and 3 epochs each")
                .isEqualTo(train.size() + validation.size());
        assertThat(encoding.get(0)).containsExactly(0, 160);
        assertThat(encoding.get(encoding.size() - 1)).containsExactly(160, 160);
    }

    @Test
    void crossValidatesTheCandidatesOnTheSameStatesWithoutEncodingAgain() {
        LabelledTexts train = texts(120, 3);
        LabelledTexts validation = texts(40, 4);
        ConfigurationSearch search = new ConfigurationSearch(new ClassifierTrainer(1, encoders, () -> Long.MAX_VALUE),
                new ConfigurationSearch.CrossValidation(1000, 2));
        ConfigurationSearch.Outcome outcome = search.train(Vocabulary.reservedOnly(), pieces(train, 20),
                pieces(validation, 20), LABELS, List.of(
                        new ConfigurationSearch.Candidate("fused", settings(3, HyperParameters.Engine.FUSED, false,
                                HyperParameters.Pooling.LAST, 2)),
                        new ConfigurationSearch.Candidate("dl4j", settings(3, HyperParameters.Engine.DL4J, true,
                                HyperParameters.Pooling.MEAN, 1))),
                3600, null, TrainingObserver.NONE, () -> false);

        assertThat(encoder.textsEncoded()).as("each text once, for 2 candidates and their 2 folds each")
                .isEqualTo(train.size() + validation.size());
        // (SelectedRowsTest checks that a fold reads its own rows' states)
        assertThat(outcome.candidates()).allSatisfy(c -> {
            assertThat(c.comparison()).isEqualTo("2-fold cross-validation over the 120 training rows");
            assertThat(c.outOfFoldAccuracy()).as(c.toString()).isBetween(0.0, 1.0);
        });
    }

    private EncodedTexts pieces(LabelledTexts texts, int maxPieces) {
        Tokenizer tokenizer = new Tokenizer();
        int[][] pieces = new int[texts.size()][];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = EncoderPieces.of(encoder, tokenizer.tokenize(texts.texts().get(i)), maxPieces);
        }
        return new EncodedTexts(pieces, texts.labels());
    }

    @Test
    void keepsTheStatesInHalfPrecisionOnTheHeapOrInATemporaryFile(@TempDir Path spill) throws IOException {
        int[][] pieces = pieces(texts(600, 5), 20).sequences();
        EncoderStates heap = EncoderStates.compute(encoder, pieces, true, spill, done -> { }, () -> false);
        EncoderStates file = EncoderStates.compute(encoder, pieces, false, spill, done -> { }, () -> false);

        assertThat(heap.spilled()).isFalse();
        assertThat(file.spilled()).isTrue();
        try (Stream<Path> left = Files.list(spill)) {
            assertThat(left).as("the file is deleted once mapped").isEmpty();
        }
        for (int row = 0; row < pieces.length; row += 37) {
            int values = pieces[row].length * DIMENSION;
            float[] fromHeap = new float[values];
            float[] fromFile = new float[values];
            heap.copySteps(row, fromHeap, 0);
            file.copySteps(row, fromFile, 0);
            assertThat(fromFile).containsExactly(fromHeap);
            float[][] exact = encoder.states(List.of(pieces[row]))[0];
            for (int t = 0; t < exact.length; t++) {
                for (int d = 0; d < DIMENSION; d++) {
                    // half precision: 11 significant bits
                    assertThat(fromHeap[t * DIMENSION + d]).isCloseTo(exact[t][d],
                            within(Math.abs(exact[t][d]) / 1024 + 1e-7f));
                }
            }
        }
    }

    @Test
    void stopsComputingStatesOnceCancelled(@TempDir Path spill) {
        int[][] pieces = pieces(texts(600, 5), 20).sequences();
        AtomicInteger calls = new AtomicInteger();
        EncoderStates states = EncoderStates.compute(encoder, pieces, false, spill, done -> calls.incrementAndGet(),
                () -> calls.get() > 0);

        assertThat(states).isNull();
        assertThat(encoder.statesCalls()).as("one call of 256 texts, not the three that 600 take").isEqualTo(1);
    }

    @Test
    void aSavedVersionLoadsOnlyAgainstTheEncoderItWasTrainedWith(@TempDir Path dir) throws IOException {
        TextClassifier trained = new ClassifierTrainer(1, encoders, () -> 0L).train(texts(80, 3), texts(30, 4), LABELS,
                settings(2, HyperParameters.Engine.FUSED, true, HyperParameters.Pooling.LAST_MAX, 2), null,
                TrainingObserver.NONE, () -> false).classifier();
        trained.save(dir);
        List<String> sample = texts(20, 9).texts();

        assertThat(Files.readString(dir.resolve(TextClassifier.ENCODER_FILE)))
                .contains("\"name\":\"hashed\"", "\"dimension\":16", "\"fingerprint\":\"fingerprint-hashed\"");
        TextClassifier loaded = TextClassifier.load(dir, 20, encoders);
        assertThat(loaded.ensembleSize()).isEqualTo(2);
        List<Prediction> before = trained.classify(sample);
        List<Prediction> after = loaded.classify(sample);
        for (int i = 0; i < sample.size(); i++) {
            for (String label : LABELS) {
                assertThat(after.get(i).scores().get(label)).isCloseTo(before.get(i).scores().get(label), within(1e-6));
            }
        }
        // an ensemble computes each batch's states once, for all its members
        int calls = encoder.statesCalls();
        loaded.classify(sample);
        assertThat(encoder.statesCalls()).isEqualTo(calls + 1);

        assertThatThrownBy(() -> TextClassifier.load(dir, 20))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("encoder 'hashed', which this service does not have (it has none)");
        assertThatThrownBy(() -> TextClassifier.load(dir, 20, HashedPieceEncoder.lookup(new HashedPieceEncoder("other", 16))))
                .isInstanceOf(IOException.class).hasMessageContaining("(it has other)");
        assertThatThrownBy(() -> TextClassifier.load(dir, 20, HashedPieceEncoder.lookup("rebuilt", encoder)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("another build of encoder 'hashed' (fingerprint fingerprint-hashed)")
                .hasMessageContaining("(rebuilt)");
    }

    @Test
    void aVersionWithoutAnEncoderLoadsAsBefore(@TempDir Path dir) throws IOException {
        TextClassifier words = com.example.sentiment.TinyModel.train(40, 1);
        words.save(dir);
        List<String> sample = texts(10, 9).texts();

        assertThat(dir.resolve(TextClassifier.ENCODER_FILE)).doesNotExist();
        TextClassifier loaded = TextClassifier.load(dir, 20, encoders);
        assertThat(loaded.classify(sample)).isEqualTo(words.classify(sample));
        assertThat(encoder.statesCalls()).isZero();
    }

    @Test
    void aTextIsTruncatedWhenItHasMorePiecesThanTheModelReads() {
        HyperParameters hp = settings(1, HyperParameters.Engine.FUSED, false, HyperParameters.Pooling.LAST, 1);
        TextClassifier classifier = new TextClassifier(NetworkFactory.create(hp.withEmbeddingSize(DIMENSION), 2, 2,
                null), Vocabulary.reservedOnly(), LABELS, 6, new ModelEncoder("hashed", "f", encoder));

        List<Prediction> predictions = classifier.classify(List.of("one two three four", "one two three four five",
                "a b c d e f g h i j", ""));
        assertThat(predictions).extracting(Prediction::tokens).containsExactly(4, 4, 4, 0);
        assertThat(predictions).extracting(Prediction::truncated).containsExactly(false, true, true, false);
        // the cut keeps the first pieces and ends with the end marker, as the encoder itself cuts
        assertThat(EncoderPieces.cut(encoder, List.of("a", "b", "c", "d", "e"), 6).pieces())
                .containsExactly(encoder.pieces("a b c d e", 6));
    }
}
