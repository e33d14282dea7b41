package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.TestCorpus;
import com.example.sentiment.TestProperties;
import jakarta.validation.Validation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class TrainingUploadReaderTest {

    private final TrainingUploadReader reader = new TrainingUploadReader(JsonMapper.builder().build(),
            Validation.buildDefaultValidatorFactory().getValidator(), TestProperties.of(Map.of()), new MemoryBudget(),
            new com.example.sentiment.vectors.WordVectorsLibrary(TestProperties.of(Map.of())));
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
    void aJobThatDoesNotSayActivatesItsVersionOnlyIfItIsBetter() {
        assertThat(reader.config("{}").activate()).isEqualTo(Activation.IF_BETTER);
        assertThat(reader.config(null).activate()).isEqualTo(Activation.IF_BETTER);
        assertThat(reader.config("{\"activate\":true}").activate()).isEqualTo(Activation.ALWAYS);
        assertThat(reader.config("{\"activate\":false}").activate()).isEqualTo(Activation.NEVER);
    }
}
