package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.TestProperties;
import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.dataset.DatasetReport;
import com.example.sentiment.dataset.PreparedDataset;
import com.example.sentiment.ml.ClassifierTrainer;
import com.example.sentiment.ml.TrainingObserver;
import com.example.sentiment.ml.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sample file the README's training example uploads ({@code examples/reviews.csv}) is read by the service's
 * own upload reader as the README says (columns {@code text,label}, two labels) and trains.
 */
class ExampleReviewsTest {

    private static final Path FILE = Path.of("examples/reviews.csv");

    private final TrainingUploadReader reader = UploadReaders.of(TestProperties.of(Map.of()),
            com.example.sentiment.ml.PretrainedEncoders.NONE);

    @Test
    void theReadmesSampleFileIsReadAndTrainsATinyJob() throws Exception {
        assertThat(FILE).exists();
        assertThat(Path.of("examples/README.md")).content().contains("licence");
        assertThat(Path.of("README.md")).content().contains("data=@examples/reviews.csv");

        // the README's settings, made tiny so that the test is fast; no pre-computed vectors
        TrainingConfig.ResolvedTrainingConfig config = reader.config("{\"name\":\"reviews\",\"epochs\":2,"
                + "\"batchSize\":16,\"embeddingSize\":8,\"lstmUnits\":8,\"wordVectors\":\"none\",\"preset\":\"none\"}");
        DatasetReader.Upload upload = new DatasetReader.Upload("reviews.csv", Files.size(FILE),
                () -> Files.newInputStream(FILE));
        PreparedDataset data = reader.data(upload, null, config, List.of());

        DatasetReport report = data.report();
        assertThat(report.rowsSkipped()).isZero();
        assertThat(report.rowsUsed()).isBetween(200, 1000);
        assertThat(data.labels()).containsExactly("negative", "positive");
        assertThat(report.examplesPerLabel()).containsOnlyKeys("negative", "positive");
        assertThat(report.examplesPerLabel().get("negative")).isEqualTo(report.examplesPerLabel().get("positive"));
        assertThat(data.validation().size()).isPositive();

        TrainingResult result = new ClassifierTrainer().train(data.vocabulary(), data.train(), data.validation(),
                data.labels(), config.hyperParameters(), null, TrainingObserver.NONE, () -> false);
        assertThat(result.cancelled()).isFalse();
        assertThat(result.history()).hasSize(2);
        assertThat(result.evaluation().examples()).isEqualTo(data.validation().size());
    }
}
