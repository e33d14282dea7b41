package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.TestCorpus;
import com.example.sentiment.TestProperties;
import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.dataset.InsufficientMemoryException;
import com.example.sentiment.dataset.InvalidDatasetException;
import com.example.sentiment.dataset.PreparedDataset;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.EncoderCatalogue;
import com.example.sentiment.ml.HashedPieceEncoder;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.LongText;
import com.example.sentiment.ml.OnnxSessions;
import com.example.sentiment.ml.PretrainedEncoder;
import com.example.sentiment.system.BadRequestException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingUploadReaderTest {

    private final TrainingUploadReader reader = UploadReaders.of(TestProperties.of(Map.of()),
            com.example.sentiment.ml.PretrainedEncoders.NONE);
    private final TrainingConfig.ResolvedTrainingConfig config = reader.config("{\"wordVectors\":\"none\"}");

    private static DatasetReader.Upload upload(String csv) {
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        return new DatasetReader.Upload("d.csv", bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    @Test
    void runningOutOfMemoryWhileReadingIsAnInsufficientMemoryAnswerAndTheNextUploadIsRead() {
        DatasetReader.Upload exhausting = new DatasetReader.Upload("d.csv", 1000, () -> {
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
        TrainingUploadReader withEncoder = reader(Map.of(), encoder);

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
        // the service's tokens joined by spaces, as a classification gives them to the encoder; read in windows
        // (longText chunk, the default), a text keeps all its pieces until training windows them
        assertThat(hp.longText()).isEqualTo(LongText.CHUNK);
        assertThat(data.validation().sequences()[0]).containsExactly(encoder.pieces("good , really good film !", 100));
        // truncated, it keeps as many as the model reads
        TrainingConfig.ResolvedTrainingConfig truncating = withEncoder.config("{\"encoder\":\"hashed\","
                + "\"maxSequenceLength\":6,\"longText\":\"truncate\"}");
        PreparedDataset cut = withEncoder.data(upload(TestCorpus.csv(100, 1)),
                upload("text,label\n\"Good, really GOOD film!\",positive\n"), truncating, List.of());
        assertThat(cut.validation().sequences()[0]).containsExactly(encoder.pieces("good , really good film !", 6));
        assertThat(java.util.Arrays.stream(cut.train().sequences()).mapToInt(p -> p.length)).allSatisfy(
                length -> assertThat(length).isBetween(2, 6));
    }

    /** The upload of an encoder job is read in the request thread: it needs the tokenizer, not the ONNX session. */
    @Test
    void preparingAnUploadForABundledEncoderOpensNoSession() {
        try (EncoderCatalogue catalogue = new EncoderCatalogue(null)) {
            TrainingUploadReader withEncoders = UploadReaders.of(TestProperties.of(Map.of()), catalogue);
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
    void abstentionDefaultsAreReadAndValidated() {
        TrainingConfig.ResolvedTrainingConfig config = reader.config("{\"targetPrecision\":0.95,\"ambiguityMargin\":0.1}");
        assertThat(config.targetPrecision()).isEqualTo(0.95);
        assertThat(config.ambiguityMargin()).isEqualTo(0.1);
        assertThat(reader.config("{}").targetPrecision()).isNull();
        for (String bad : List.of("{\"targetPrecision\":1}", "{\"targetPrecision\":0}", "{\"ambiguityMargin\":1.5}")) {
            assertThatThrownBy(() -> reader.config(bad)).as(bad).isInstanceOf(BadRequestException.class)
                    .hasMessageContaining("must be greater than 0 and less than 1");
        }
    }

    @Test
    void stackedLstmLayersAreReadAndNeedTheFusedEngine() {
        assertThat(reader.config("{}").hyperParameters().lstmLayers()).isEqualTo(1);
        assertThat(reader.config("{\"lstmLayers\":2}").hyperParameters().lstmLayers()).isEqualTo(2);
        assertThatThrownBy(() -> reader.config("{\"lstmLayers\":5}")).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("lstmLayers").hasMessageContaining("must be at most 4");
        assertThatThrownBy(() -> reader.config("{\"lstmLayers\":0}")).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("lstmLayers").hasMessageContaining("must be at least 1");
        assertThatThrownBy(() -> reader.config("{\"lstmLayers\":2,\"engine\":\"dl4j\"}"))
                .isInstanceOf(BadRequestException.class)
                .hasMessage("config.engine: pooling last+max, spatialDropout and lstmLayers above 1 need engine fused");
    }

    @Test
    void aJobThatDoesNotSayActivatesItsVersionOnlyIfItIsBetter() {
        assertThat(reader.config("{}").activate()).isEqualTo(Activation.IF_BETTER);
        assertThat(reader.config(null).activate()).isEqualTo(Activation.IF_BETTER);
        assertThat(reader.config("{\"activate\":true}").activate()).isEqualTo(Activation.ALWAYS);
        assertThat(reader.config("{\"activate\":false}").activate()).isEqualTo(Activation.NEVER);
    }

    @Test
    void theAutoEncoderAddsACandidateAndAViewOfTheRows() {
        HashedPieceEncoder encoder = new HashedPieceEncoder("hashed", 8);
        TrainingUploadReader auto = reader(Map.of("sentiment.training.auto-encoders", "hashed"), encoder);
        TrainingConfig.ResolvedTrainingConfig searched = auto.config("{\"wordVectors\":\"none\"}");
        assertThat(searched.candidates()).extracting(ConfigurationSearch.Candidate::name)
                .containsExactly("lstm", "bilstm-last-max", "encoder-bilstm-hashed");

        // the search's rows as word ids and as the encoder's pieces (what each view holds: DatasetReaderTest)
        PreparedDataset data = auto.data(upload(TestCorpus.csv(100, 1)), null, searched, List.of());
        assertThat(data.views(null)).extracting(ConfigurationSearch.View::encoder).containsExactly(null, "hashed");

        // the default auto encoder (e5-small) is not one this service has; none or nothing turns
        // them off; a job that names an encoder or a teacher does too
        assertThat(names(reader(Map.of(), encoder).config("{}")))
                .containsExactly("lstm-two-phase", "lstm", "bilstm-last-max");
        assertThat(names(reader(Map.of("sentiment.training.auto-encoders", "none"), encoder)
                .config("{}"))).doesNotContain("encoder-bilstm-hashed");
        assertThat(names(reader(Map.of("sentiment.training.auto-encoders", ""), encoder)
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
        // "missing" is not one this service has: left out
        TrainingUploadReader auto = reader(Map.of("sentiment.training.auto-encoders", "other,missing,hashed"),
                new HashedPieceEncoder("hashed", 8), new HashedPieceEncoder("other", 4));
        TrainingConfig.ResolvedTrainingConfig searched = auto.config("{\"wordVectors\":\"none\"}");
        assertThat(names(searched)).containsExactly("lstm", "bilstm-last-max", "encoder-bilstm-other",
                "encoder-bilstm-hashed");

        PreparedDataset data = auto.data(upload(TestCorpus.csv(100, 1)), null, searched, List.of());
        assertThat(data.views(null)).extracting(ConfigurationSearch.View::encoder)
                .containsExactly(null, "other", "hashed");
    }

    private static List<String> names(TrainingConfig.ResolvedTrainingConfig config) {
        return config.candidates().stream().map(ConfigurationSearch.Candidate::name).toList();
    }

    private static TrainingUploadReader reader(Map<String, String> properties, HashedPieceEncoder... encoders) {
        return UploadReaders.of(TestProperties.of(properties), HashedPieceEncoder.lookup(encoders));
    }
}
