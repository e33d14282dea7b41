package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PreparedDatasetTest {

    private static DatasetParser.Parsed parsed(List<DatasetParser.Row> rows) {
        return new DatasetParser.Parsed(DatasetParser.Format.CSV, rows, rows.size(), Map.of());
    }

    private static List<DatasetParser.Row> rows(String... textThenLabel) {
        List<DatasetParser.Row> rows = new ArrayList<>();
        for (int i = 0; i < textThenLabel.length; i += 2) {
            rows.add(new DatasetParser.Row(i / 2 + 2, textThenLabel[i], textThenLabel[i + 1]));
        }
        return rows;
    }

    @Test
    void aValidationFileLosesTheExamplesTrainingAlreadyHasAndTheReportCountsThem() {
        DatasetParser.Parsed train = parsed(rows("a good film", "pos", "a bad film", "neg", "great", "pos", "awful", "neg"));
        // the same tokens as training rows, whatever the case and spacing; "a good film!" is not the same
        DatasetParser.Parsed validation = parsed(rows("A  GOOD film", "pos", "awful", "neg", "a good film!", "pos",
                "dull plot", "neg"));
        PreparedDataset data = PreparedDataset.prepare(train, new byte[0], validation, 0.1, 1, 1, List.of());

        assertThat(data.validation().texts()).containsExactly("a good film!", "dull plot");
        assertThat(data.train().size()).isEqualTo(4);
        assertThat(data.report().validationDuplicatesRemoved()).isEqualTo(2);
        assertThat(data.report().validationExamples()).isEqualTo(2);
    }

    @Test
    void theHeldOutSplitKeepsNoCopyOfATrainingExample() {
        List<DatasetParser.Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // every text twice: a random split puts copies on both sides
            rows.addAll(rows("good " + i, "pos", "Good " + i, "pos", "bad " + i, "neg", "bad  " + i, "neg"));
        }
        PreparedDataset data = PreparedDataset.prepare(parsed(rows), new byte[0], null, 0.25, 7, 1, List.of());

        com.example.sentiment.ml.Tokenizer tokenizer = new com.example.sentiment.ml.Tokenizer();
        List<List<String>> train = data.train().texts().stream().map(tokenizer::tokenize).toList();
        assertThat(data.validation().texts()).isNotEmpty()
                .allSatisfy(text -> assertThat(train).doesNotContain(tokenizer.tokenize(text)));
        assertThat(data.report().validationDuplicatesRemoved()).isPositive();
        assertThat(data.report().validationExamples() + data.report().validationDuplicatesRemoved()
                + data.report().trainExamples()).isEqualTo(80);
    }

    @Test
    void nothingLeftToValidateOnIsAClearError() {
        DatasetParser.Parsed train = parsed(rows("good", "pos", "bad", "neg"));
        assertThatThrownBy(() -> PreparedDataset.prepare(train, new byte[0], parsed(rows("GOOD", "pos")), 0.1, 1, 1,
                List.of())).isInstanceOf(InvalidDatasetException.class).hasMessageContaining("also occurs in the training");
    }
}
