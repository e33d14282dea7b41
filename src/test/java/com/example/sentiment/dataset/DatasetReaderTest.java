package com.example.sentiment.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.TestCorpus;
import com.example.sentiment.TestProperties;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.HashedPieceEncoder;
import com.example.sentiment.ml.HyperParameters;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the reader spends its memory budget on a configuration search: the candidates below are shaped like those
 * of {@code "preset": "auto"} with {@code sentiment.training.auto-encoders} (two that read word ids, then one
 * bidirectional candidate per encoder), whose names and settings the training package's tests check.
 */
class DatasetReaderTest {

    private static DatasetReader.Upload upload(String csv) {
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        return new DatasetReader.Upload("d.csv", bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    @Test
    void preparesBothViewsOfTheRowsForTheAutoEncoderAndChecksEveryCandidatesNetworkOnItsOwn() {
        HashedPieceEncoder encoder = new HashedPieceEncoder("hashed", 8);
        List<String> checked = new ArrayList<>();
        DatasetReader auto = reader(recording(checked), encoder);

        PreparedDataset data = auto.read(upload(TestCorpus.csv(100, 1)), null, searchOver("hashed"));
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
    }

    @Test
    void eachEncoderOfTheCandidatesGetsAViewOfItsOwnInTheirOrder() {
        List<String> checked = new ArrayList<>();
        DatasetReader auto = reader(recording(checked), new HashedPieceEncoder("hashed", 8),
                new HashedPieceEncoder("other", 4));

        PreparedDataset data = auto.read(upload(TestCorpus.csv(100, 1)), null, searchOver("other", "hashed"));
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
    void anEncodersViewThatDoesNotFitIsLeftOutAndTheUploadIsStillRead() {
        HashedPieceEncoder encoder = new HashedPieceEncoder("hashed", 8);
        // what the word ids alone claim, measured on a job without the encoder candidate
        AtomicReference<MemoryBudget.Claim> opened = new AtomicReference<>();
        MemoryBudget measuring = new MemoryBudget() {
            @Override
            Claim open(long fileBytes) {
                opened.set(super.open(fileBytes));
                return opened.get();
            }
        };
        reader(measuring, encoder).read(upload(TestCorpus.csv(100, 1)), null, searchOver());
        long wordIds = opened.get().claimed();
        // then a heap with room for those and not for the pieces beside them
        MemoryBudget tight = new MemoryBudget() {
            @Override
            Claim open(long fileBytes) {
                return new Claim(wordIds + 16, Runtime.getRuntime().maxMemory());
            }
        };
        PreparedDataset data = reader(tight, encoder).read(upload(TestCorpus.csv(100, 1)), null, searchOver("hashed"));
        assertThat(data.views(null)).extracting(ConfigurationSearch.View::encoder).containsExactly(null, "hashed");
        ConfigurationSearch.View pieces = data.encoderViews().get(0);
        assertThat(pieces.leftOut()).isEqualTo("the hashed encoder's pieces of these rows do not fit the heap this"
                + " upload may use");
        assertThat(pieces.train()).isNull();
    }

    /** A search of one-directional and bidirectional word-id candidates, then one over each of {@code encoders}. */
    private static DatasetOptions searchOver(String... encoders) {
        List<ConfigurationSearch.Candidate> candidates = new ArrayList<>();
        candidates.add(new ConfigurationSearch.Candidate("lstm", hp(false, null)));
        candidates.add(new ConfigurationSearch.Candidate("bilstm-last-max", hp(true, null)));
        for (String encoder : encoders) {
            candidates.add(new ConfigurationSearch.Candidate("encoder-bilstm-" + encoder, hp(true, encoder)));
        }
        return new DatasetOptions("text", "label", 0.1, candidates.get(0).hyperParameters(), candidates, true,
                false, false, List.of());
    }

    /** The defaults' sizes (100 dimensions, 128 units) without word vectors. */
    private static HyperParameters hp(boolean bidirectional, String encoder) {
        return new HyperParameters(1, 64, 0.002, 100, 128, bidirectional, 0.5, 0.25, 100, 1, 50_000, 42, 3,
                bidirectional ? HyperParameters.Pooling.LAST_MAX : HyperParameters.Pooling.LAST, null, false,
                HyperParameters.Engine.FUSED, null, 0, 0, 0, 1, HyperParameters.ClassWeights.NONE, encoder);
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

    private static DatasetReader reader(MemoryBudget memory, HashedPieceEncoder... encoders) {
        return new DatasetReader(JsonMapper.builder().build(), TestProperties.of(Map.of()),
                HashedPieceEncoder.lookup(encoders), memory);
    }
}
