package com.example.sentiment.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.TestCorpus;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.EncodedTexts;
import com.example.sentiment.ml.EncoderPieces;
import com.example.sentiment.ml.HashedPieceEncoder;
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
            HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null);

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
        List<DatasetReader.Row> all = parser.parse("data", csv.getBytes(StandardCharsets.UTF_8), "d.csv", "text", "label").rows();
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
        // validation keeps, in split order, the rows whose tokens no training row has
        List<Integer> unseen = new ArrayList<>();
        for (int row : split[1]) {
            if (!trainTokens.contains(tokenizer.tokenize(all.get(row).text()))) {
                unseen.add(row);
            }
        }
        assertThat(prepared.validation().size()).isEqualTo(unseen.size()).isPositive();
        assertThat(prepared.report().validationDuplicatesRemoved()).isEqualTo(split[1].length - unseen.size());
        for (int i = 0; i < unseen.size(); i++) {
            DatasetReader.Row row = all.get(unseen.get(i));
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

    @Test
    void aValidationFileLosesTheExamplesTrainingAlreadyHasAndTheReportCountsThem() throws Exception {
        PreparedDataset data = prepare("a good film,pos\na bad film,neg\ngreat,pos\nawful,neg\n",
                // the same tokens as training rows, whatever the case and spacing; "a good film!" is not the same
                "A  GOOD film,pos\nawful,neg\na good film!,pos\ndull plot,neg\n", 0.1);
        assertThat(data.train().size()).isEqualTo(4);
        assertThat(data.report().validationDuplicatesRemoved()).isEqualTo(2);
        assertThat(data.report().validationExamples()).isEqualTo(2).isEqualTo(data.validation().size());
    }

    @Test
    void theHeldOutSplitKeepsNoCopyOfATrainingExample() throws Exception {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            // every text twice: a random split puts copies on both sides
            csv.append("good ").append(i).append(",pos\nGood ").append(i).append(",pos\nbad ").append(i)
                    .append(",neg\nbad  ").append(i).append(",neg\n");
        }
        PreparedDataset data = prepare(csv.toString(), null, 0.25);
        java.util.Set<List<Integer>> train = new java.util.HashSet<>();
        for (int[] sequence : data.train().sequences()) {
            train.add(java.util.Arrays.stream(sequence).boxed().toList());
        }
        assertThat(java.util.Arrays.asList(data.validation().sequences())).isNotEmpty()
                .allSatisfy(sequence -> assertThat(train).doesNotContain(java.util.Arrays.stream(sequence).boxed().toList()));
        assertThat(data.report().validationDuplicatesRemoved()).isPositive();
        assertThat(data.report().validationExamples() + data.report().validationDuplicatesRemoved()
                + data.report().trainExamples()).isEqualTo(80);
    }

    @Test
    void anEncodersViewHoldsTheSameRowsInTheSameOrderAsItsPieces() throws Exception {
        MemoryBudget.Claim claim = new MemoryBudget.Claim(Long.MAX_VALUE, Long.MAX_VALUE);
        WordTable words = new WordTable(claim);
        PreparedDataset.FileRows rows = read("data", TestCorpus.csv(200, 5), words, claim);
        PreparedDataset.FileRows held = read("validation", TestCorpus.csv(40, 6), words, claim);
        HyperParameters one = new HyperParameters(1, 16, 0.01, 16, 16, false, 0, 0, 6, 1, 100, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null);
        HashedPieceEncoder encoder = new HashedPieceEncoder("hashed", 8);
        PreparedDataset prepared = PreparedDataset.prepare(rows, held, words, 0.1, 7, 1, one, 0, 0, false, false, true,
                null, List.of(encoder));

        ConfigurationSearch.View pieces = prepared.encoderViews().get(0);
        assertThat(prepared.views(null)).extracting(ConfigurationSearch.View::encoder).containsExactly(null, "hashed");
        assertThat(pieces.vocabulary().size()).isEqualTo(2);
        PreparedDataset.RowTokens tokens = prepared.tokens();
        for (boolean training : List.of(true, false)) {
            EncodedTexts ids = training ? prepared.train() : prepared.validation();
            EncodedTexts view = training ? pieces.train() : pieces.validation();
            int[][] whole = training ? tokens.train() : tokens.validation();
            assertThat(view.size()).isEqualTo(ids.size());
            assertThat(view.labels()).isEqualTo(ids.labels());
            for (int i = 0; i < ids.size(); i++) {
                // row i of either view is the same text: its first six tokens as word ids, and as pieces
                List<String> text = tokens.text(whole, i);
                List<String> cut = text.subList(0, Math.min(6, text.size()));
                assertThat(ids.sequences()[i]).containsExactly(cut.stream().mapToInt(prepared.vocabulary()::idOf)
                        .toArray());
                assertThat(view.sequences()[i]).containsExactly(EncoderPieces.of(encoder, cut, 6));
            }
        }
    }

    @Test
    void nothingLeftToValidateOnIsAClearError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> prepare("good,pos\nbad,neg\n", "GOOD,pos\n", 0.1))
                .isInstanceOf(InvalidDatasetException.class).hasMessageContaining("also occurs in the training");
    }

    private PreparedDataset prepare(String trainRows, String validationRows, double split) throws Exception {
        MemoryBudget.Claim claim = new MemoryBudget.Claim(Long.MAX_VALUE, Long.MAX_VALUE);
        WordTable words = new WordTable(claim);
        PreparedDataset.FileRows train = read("data", "text,label\n" + trainRows, words, claim);
        PreparedDataset.FileRows held = validationRows == null ? null
                : read("validation", "text,label\n" + validationRows, words, claim);
        HyperParameters one = new HyperParameters(1, 16, 0.01, 16, 16, false, 0, 0, 6, 1, 100, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null);
        return PreparedDataset.prepare(train, held, words, split, 7, 1, one, 0, 0, false);
    }

    private PreparedDataset.FileRows read(String part, String csv, WordTable words, MemoryBudget.Claim claim)
            throws Exception {
        TokenisedRows rows = new TokenisedRows(part, words, tokenizer, claim);
        DatasetParser.Summary summary = parser.read(part, new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                part + ".csv", "text", "label", rows);
        return new PreparedDataset.FileRows(summary, rows, "sha");
    }
}
