package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.TestCorpus;
import com.example.sentiment.TestProperties;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.EncoderCatalogue;
import com.example.sentiment.ml.HashedPieceEncoder;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.OnnxSessions;
import com.example.sentiment.ml.PretrainedEncoder;
import com.example.sentiment.system.BadRequestException;
import jakarta.validation.Validation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class TrainingUploadReaderTest {

    private final TrainingUploadReader reader = new TrainingUploadReader(JsonMapper.builder().build(),
            Validation.buildDefaultValidatorFactory().getValidator(), TestProperties.of(Map.of()), new MemoryBudget(),
            new com.example.sentiment.vectors.WordVectorsLibrary(TestProperties.of(Map.of())),
            com.example.sentiment.ml.PretrainedEncoders.NONE);
    private final TrainingConfig.ResolvedTrainingConfig config = reader.config("{\"wordVectors\":\"none\"}");

    private static TrainingUploadReader.Upload upload(String csv) {
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        return new TrainingUploadReader.Upload("d.csv", bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    @Test
    void runningOutOfMemoryWhileReadingIsAnInsufficientMemoryAnswerAndTheNextUploadIsRead() {
        TrainingUploadReader.Upload exhausting = new TrainingUploadReader.Upload("d.csv", 1000, () -> {
            throw new OutOfMemoryError("Java heap space");
        });
        assertThatThrownBy(() -> reader.data(exhausting, null, config, List.of()))
                .isInstanceOfSatisfying(InsufficientMemoryException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(413);
                    assertThat(e.getMessage()).contains("ran out of memory while reading", "heap limit");
                });
        PreparedDataset next = reader.data(upload(TestCorpus.csv(100, 1)), null, config, List.of());
        assertThat(next.train().size() + next.validation().size()).isEqualTo(100);
    }

    @Test
    void aValidationFileIsReadIntoTheSameWordsAndItsUnknownLabelsAreRefused() {
        PreparedDataset data = reader.data(upload(TestCorpus.csv(100, 1)), upload(TestCorpus.csv(30, 2)), config, List.of());
        assertThat(data.validation().size()).isEqualTo(30);
        assertThat(data.report().validationSource()).isEqualTo("file");
        assertThat(data.report().sha256()).hasSize(64);
        assertThatThrownBy(() -> reader.data(upload(TestCorpus.csv(100, 1)), upload("text,label\ngood,neutral\n"), config, List.of()))
                .isInstanceOf(InvalidDatasetException.class).hasMessageContaining("labels not in the training data: neutral");
    }

    @Test
    void anEncoderSettingNamesAnEncoderOfTheServiceAndTheExamplesBecomeItsPieces() {
        HashedPieceEncoder encoder = new HashedPieceEncoder("hashed", 8);
        TrainingUploadReader withEncoder = new TrainingUploadReader(JsonMapper.builder().build(),
                Validation.buildDefaultValidatorFactory().getValidator(), TestProperties.of(Map.of()), new MemoryBudget(),
                new com.example.sentiment.vectors.WordVectorsLibrary(TestProperties.of(Map.of())),
                HashedPieceEncoder.lookup(encoder));

        assertThatThrownBy(() -> withEncoder.config("{\"encoder\":\"bge-huge\"}"))
                .isInstanceOf(BadRequestException.class)
                .hasMessage("config.encoder: no encoder 'bge-huge': must be one of word-vectors, hashed");
        assertThat(withEncoder.config("{\"encoder\":\"word-vectors\"}").hyperParameters().usesEncoder()).isFalse();
        // the word-vector and vocabulary settings do not apply, and say so; the two-phase candidate trains as lstm
        TrainingConfig.ResolvedTrainingConfig config = withEncoder.config("{\"encoder\":\"hashed\","
                + "\"wordVectors\":\"glove-100d.vec\",\"freezeEmbeddings\":true,\"fineTuneEpochs\":2,"
                + "\"minWordFrequency\":5,\"maxSequenceLength\":6}");
        HyperParameters hp = config.hyperParameters();
        assertThat(hp.encoder()).isEqualTo("hashed");
        assertThat(hp.wordVectors()).isNull();
        assertThat(hp.freezeEmbeddings()).isFalse();
        assertThat(hp.fineTuneEpochs()).isZero();
        assertThat(hp.minWordFrequency()).isEqualTo(1);
        assertThat(config.candidates()).extracting(ConfigurationSearch.Candidate::name)
                .containsExactly("lstm", "bilstm-last-max");
        assertThat(config.candidates()).allMatch(c -> "hashed".equals(c.hyperParameters().encoder()));

        PreparedDataset data = withEncoder.data(upload(TestCorpus.csv(100, 1)),
                upload("text,label\n\"Good, really GOOD film!\",positive\n"), config, List.of());
        assertThat(data.vocabulary().size()).isEqualTo(2);
        // the service's tokens joined by spaces, as a classification gives them to the encoder
        assertThat(data.validation().sequences()[0]).containsExactly(encoder.pieces("good , really good film !", 6));
        assertThat(java.util.Arrays.stream(data.train().sequences()).mapToInt(p -> p.length)).allSatisfy(
                length -> assertThat(length).isBetween(2, 6));
    }

    /** The upload of an encoder job is read in the request thread: it needs the tokenizer, not the ONNX session. */
    @Test
    void preparingAnUploadForABundledEncoderOpensNoSession() {
        try (EncoderCatalogue catalogue = new EncoderCatalogue(null)) {
            TrainingUploadReader withEncoders = new TrainingUploadReader(JsonMapper.builder().build(),
                    Validation.buildDefaultValidatorFactory().getValidator(), TestProperties.of(Map.of()),
                    new MemoryBudget(), new com.example.sentiment.vectors.WordVectorsLibrary(TestProperties.of(Map.of())),
                    catalogue);
            PreparedDataset data = withEncoders.data(upload(TestCorpus.csv(100, 1)),
                    upload("text,label\n\"Good, really GOOD film!\",positive\n"),
                    withEncoders.config("{\"encoder\":\"minilm-l6\",\"maxSequenceLength\":40}"), List.of());
            PretrainedEncoder encoder = catalogue.get(EncoderCatalogue.MINILM_L6);
            assertThat(data.validation().sequences()[0]).containsExactly(encoder.pieces("good , really good film !", 40));
            assertThat(OnnxSessions.isOpen(encoder)).as("session opened by the upload's preparation").isFalse();
            assertThat(encoder.states(List.of(data.validation().sequences()[0]))[0]).hasNumberOfRows(8);
            assertThat(OnnxSessions.isOpen(encoder)).isTrue();
        }
    }

    @Test
    void aJobThatDoesNotSayActivatesItsVersionOnlyIfItIsBetter() {
        assertThat(reader.config("{}").activate()).isEqualTo(Activation.IF_BETTER);
        assertThat(reader.config(null).activate()).isEqualTo(Activation.IF_BETTER);
        assertThat(reader.config("{\"activate\":true}").activate()).isEqualTo(Activation.ALWAYS);
        assertThat(reader.config("{\"activate\":false}").activate()).isEqualTo(Activation.NEVER);
    }

    @Test
    void preparesBothViewsOfTheRowsForTheAutoEncoderAndChecksEveryCandidatesNetworkOnItsOwn() {
        HashedPieceEncoder encoder = new HashedPieceEncoder("hashed", 8);
        List<String> checked = new java.util.ArrayList<>();
        MemoryBudget recording = recording(checked);
        TrainingUploadReader auto = reader(Map.of("sentiment.training.auto-encoders", "hashed"), recording, encoder);
        TrainingConfig.ResolvedTrainingConfig searched = auto.config("{\"wordVectors\":\"none\"}");
        assertThat(searched.candidates()).extracting(ConfigurationSearch.Candidate::name)
                .containsExactly("lstm", "bilstm-last-max", "encoder-bilstm-hashed");

        PreparedDataset data = auto.data(upload(TestCorpus.csv(100, 1)), null, searched, List.of());
        ConfigurationSearch.View pieces = data.encoderViews().get(0);
        assertThat(data.encoderViews()).hasSize(1);
        assertThat(pieces.encoder()).isEqualTo("hashed");
        assertThat(pieces.vocabulary().size()).isEqualTo(2);
        assertThat(pieces.train().labels()).isEqualTo(data.train().labels());
        assertThat(pieces.validation().labels()).isEqualTo(data.validation().labels());
        assertThat(java.util.Arrays.stream(pieces.train().sequences()).mapToInt(p -> p[0])).containsOnly(101);
        assertThat(data.views(null)).extracting(ConfigurationSearch.View::encoder).containsExactly(null, "hashed");
        int words = data.vocabulary().size();
        assertThat(words).isGreaterThan(2);
        assertThat(checked).containsExactly("null 100 " + words, "null 100 " + words, "hashed 8 2");

        // the default auto encoders (e5-small, minilm-l6) are not ones this service has; none or nothing turns
        // them off; a job that names an encoder or a teacher does too
        assertThat(names(reader(Map.of(), new MemoryBudget(), encoder).config("{}")))
                .containsExactly("lstm-two-phase", "lstm", "bilstm-last-max");
        assertThat(names(reader(Map.of("sentiment.training.auto-encoders", "none"), new MemoryBudget(), encoder)
                .config("{}"))).doesNotContain("encoder-bilstm-hashed");
        assertThat(names(reader(Map.of("sentiment.training.auto-encoders", ""), new MemoryBudget(), encoder)
                .config("{}"))).doesNotContain("encoder-bilstm-hashed");
        assertThat(names(auto.config("{}"))).endsWith("encoder-bilstm-hashed");
        assertThat(names(auto.config("{\"teacher\":\"20261129-130908-d56a\"}")))
                .doesNotContain("encoder-bilstm-hashed");
        assertThat(names(auto.config("{\"encoder\":\"word-vectors\"}"))).doesNotContain("encoder-bilstm-hashed");
        assertThat(auto.config("{\"encoder\":\"hashed\"}").candidates())
                .allMatch(c -> "hashed".equals(c.hyperParameters().encoder())).hasSize(2);
        PreparedDataset alone = auto.data(upload(TestCorpus.csv(100, 1)), null, auto.config("{\"encoder\":\"hashed\"}"),
                List.of());
        assertThat(alone.encoderViews()).as("the job's own encoder is the only view").isEmpty();
    }

    @Test
    void eachAvailableAutoEncoderGetsACandidateAndAViewOfItsOwnInTheListedOrder() {
        List<String> checked = new java.util.ArrayList<>();
        MemoryBudget recording = recording(checked);
        // "missing" is not one this service has: left out
        TrainingUploadReader auto = reader(Map.of("sentiment.training.auto-encoders", "other,missing,hashed"),
                recording, new HashedPieceEncoder("hashed", 8), new HashedPieceEncoder("other", 4));
        TrainingConfig.ResolvedTrainingConfig searched = auto.config("{\"wordVectors\":\"none\"}");
        assertThat(names(searched)).containsExactly("lstm", "bilstm-last-max", "encoder-bilstm-other",
                "encoder-bilstm-hashed");

        PreparedDataset data = auto.data(upload(TestCorpus.csv(100, 1)), null, searched, List.of());
        assertThat(data.views(null)).extracting(ConfigurationSearch.View::encoder)
                .containsExactly(null, "other", "hashed");
        assertThat(data.encoderViews()).allSatisfy(v -> {
            assertThat(v.train().labels()).isEqualTo(data.train().labels());
            assertThat(v.validation().labels()).isEqualTo(data.validation().labels());
        });
        int words = data.vocabulary().size();
        assertThat(checked).containsExactly("null 100 " + words, "null 100 " + words, "other 4 2", "hashed 8 2");
    }

    @Test
    void anAutoEncodersViewThatDoesNotFitIsLeftOutAndTheUploadIsStillRead() {
        HashedPieceEncoder encoder = new HashedPieceEncoder("hashed", 8);
        Map<String, String> properties = Map.of("sentiment.training.auto-encoders", "hashed");
        // what the word ids alone claim, measured on a job without the encoder candidate
        AtomicReference<MemoryBudget.Claim> opened = new AtomicReference<>();
        MemoryBudget measuring = new MemoryBudget() {
            @Override
            Claim open(long fileBytes) {
                opened.set(super.open(fileBytes));
                return opened.get();
            }
        };
        TrainingUploadReader words = reader(properties, measuring, encoder);
        words.data(upload(TestCorpus.csv(100, 1)), null, words.config("{\"encoder\":\"word-vectors\"}"), List.of());
        long wordIds = opened.get().claimed();
        // then a heap with room for those and not for the pieces beside them
        MemoryBudget tight = new MemoryBudget() {
            @Override
            Claim open(long fileBytes) {
                return new Claim(wordIds + 16, Runtime.getRuntime().maxMemory());
            }
        };
        TrainingUploadReader auto = reader(properties, tight, encoder);
        TrainingConfig.ResolvedTrainingConfig searched = auto.config("{\"wordVectors\":\"none\"}");
        assertThat(names(searched)).endsWith("encoder-bilstm-hashed");
        PreparedDataset data = auto.data(upload(TestCorpus.csv(100, 1)), null, searched, List.of());
        assertThat(data.views(null)).extracting(ConfigurationSearch.View::encoder).containsExactly(null, "hashed");
        ConfigurationSearch.View pieces = data.encoderViews().get(0);
        assertThat(pieces.leftOut()).isEqualTo("the hashed encoder's pieces of these rows do not fit the heap this"
                + " upload may use");
        assertThat(pieces.train()).isNull();
    }

    /** A memory budget that adds each network it checks to {@code checked}: its encoder, input size and vocabulary. */
    private static MemoryBudget recording(List<String> checked) {
        return new MemoryBudget() {
            @Override
            void checkNetwork(HyperParameters hp, int vocabularySize, int labels) {
                checked.add(hp.encoder() + " " + hp.embeddingSize() + " " + vocabularySize);
                super.checkNetwork(hp, vocabularySize, labels);
            }
        };
    }

    private static List<String> names(TrainingConfig.ResolvedTrainingConfig config) {
        return config.candidates().stream().map(ConfigurationSearch.Candidate::name).toList();
    }

    private static TrainingUploadReader reader(Map<String, String> properties, MemoryBudget memory,
                                               HashedPieceEncoder... encoders) {
        return new TrainingUploadReader(JsonMapper.builder().build(),
                Validation.buildDefaultValidatorFactory().getValidator(), TestProperties.of(properties), memory,
                new com.example.sentiment.vectors.WordVectorsLibrary(TestProperties.of(Map.of())),
                HashedPieceEncoder.lookup(encoders));
    }
}
