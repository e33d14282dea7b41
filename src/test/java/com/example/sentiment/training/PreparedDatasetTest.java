package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.TestCorpus;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.Tokenizer;
import com.example.sentiment.ml.Vocabulary;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Rows tokenised as they are read end up as the same ids as texts tokenised and encoded whole. */
class PreparedDatasetTest {

    private final DatasetParser parser = new DatasetParser(JsonMapper.builder().build(), 10_000);
    private final Tokenizer tokenizer = new Tokenizer();
    // minimum frequency 2 and a vocabulary cut at 20 words, so both limits shape the ids; sequences cut at 6
    private final HyperParameters hp = new HyperParameters(1, 16, 0.01, 16, 16, false, 0, 0, 6, 2, 20, 7, 0,
            HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED);

    @Test
    void encodingAsReadGivesTheIdsThatEncodingTheTextsGives() throws Exception {
        String csv = TestCorpus.csv(300, 4) + "\"Doesn't it, the film's \"\"end\"\"?\",positive\n";
        MemoryBudget.Claim claim = new MemoryBudget.Claim(Long.MAX_VALUE, Long.MAX_VALUE);
        WordTable words = new WordTable(claim);
        TokenisedRows rows = new TokenisedRows("data", words, tokenizer, claim);
        DatasetParser.Summary summary = parser.read("data", new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                "d.csv", "text", "label", rows);
        PreparedDataset prepared = PreparedDataset.prepare(new PreparedDataset.FileRows(summary, rows, "sha"), null, words,
                0.2, 42, 2, hp, 0, 0, false);

        // the same data the way the trainer used to take it: whole texts, split, vocabulary, encoded
        List<DatasetParser.Row> all = parser.parse("data", csv.getBytes(StandardCharsets.UTF_8), "d.csv", "text", "label").rows();
        List<String> labels = List.of("negative", "positive");
        int[][] split = PreparedDataset.stratifiedSplit(all.stream().mapToInt(r -> labels.indexOf(r.label())).toArray(),
                2, 0.2, 42);
        List<List<String>> trainTokens = new ArrayList<>();
        for (int row : split[0]) {
            trainTokens.add(tokenizer.tokenize(all.get(row).text()));
        }
        Vocabulary expected = Vocabulary.build(trainTokens, 2, 20);

        assertThat(prepared.labels()).isEqualTo(labels);
        assertThat(prepared.vocabulary().words()).isEqualTo(expected.words());
        assertThat(prepared.train().size()).isEqualTo(split[0].length);
        assertThat(prepared.validation().size()).isEqualTo(split[1].length).isEqualTo(60);
        for (int i = 0; i < split[1].length; i++) {
            DatasetParser.Row row = all.get(split[1][i]);
            assertThat(prepared.validation().sequences()[i])
                    .isEqualTo(expected.encode(tokenizer.tokenize(row.text()), 6));
            assertThat(prepared.validation().labels()[i]).isEqualTo(labels.indexOf(row.label()));
        }
        for (int i = 0; i < split[0].length; i++) {
            assertThat(prepared.train().sequences()[i])
                    .isEqualTo(expected.encode(tokenizer.tokenize(all.get(split[0][i]).text()), 6));
        }
        assertThat(prepared.report().rowsUsed()).isEqualTo(301);
        assertThat(prepared.report().examplesPerLabel()).containsEntry("positive", 151).containsEntry("negative", 150);
    }
}
