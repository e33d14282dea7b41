package com.example.sentiment.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.TestProperties;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.EncodedTexts;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.PretrainedEncoders;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Multi-label uploads as the reader prepares them: told from the label column (or the config, or JSON Lines
 * label arrays), every label's count and every combination's, multi-hot targets, and a split stratified on label
 * combinations.
 */
class MultiLabelDatasetTest {

    private final DatasetReader reader = new DatasetReader(JsonMapper.builder().build(), TestProperties.of(Map.of()),
            PretrainedEncoders.NONE);

    private static DatasetReader.Upload upload(String name, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return new DatasetReader.Upload(name, bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    private static DatasetOptions options(String task, String separator) {
        HyperParameters hp = new HyperParameters(1, 16, 0.01, 16, 16, false, 0, 0, 50, 1, 1000, 42, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null);
        return new DatasetOptions("text", "label", 0.2, hp, List.of(new ConfigurationSearch.Candidate("manual", hp)),
                true, false, false, List.of(), task, separator);
    }

    /** 300 rows: 100 of a, 100 of b, 90 of b|a, 4 of a|c (rarer than 1 / 0.2 = 5 rows: pooled) and 6 of c. */
    private static String csv(String separator) {
        StringBuilder out = new StringBuilder("text,label\n");
        Random random = new Random(3);
        String[][] kinds = {{"a"}, {"b"}, {"b", "a"}, {"a", "c"}, {"c"}};
        int[] counts = {100, 100, 90, 4, 6};
        int row = 0;
        for (int k = 0; k < kinds.length; k++) {
            for (int i = 0; i < counts[k]; i++) {
                out.append("row ").append(row++).append(" word").append(random.nextInt(50)).append(',')
                        .append(String.join(separator, kinds[k])).append('\n');
            }
        }
        return out.toString();
    }

    @Test
    void aPipeInTheLabelColumnMakesAMultiLabelJobWithMultiHotTargets() {
        PreparedDataset data = reader.read(upload("d.csv", csv("|")), null, options(null, null));

        assertThat(data.labels()).containsExactly("a", "b", "c");
        // a: 100 + 90 + 4, b: 100 + 90, c: 4 + 6
        assertThat(data.report().examplesPerLabel()).containsExactly(Map.entry("a", 194), Map.entry("b", 190),
                Map.entry("c", 10));
        // combinations sorted within (b|a is a|b), most frequent first
        assertThat(data.report().labelCombinations()).containsExactly(Map.entry("a", 100), Map.entry("b", 100),
                Map.entry("a|b", 90), Map.entry("c", 6), Map.entry("a|c", 4));
        EncodedTexts train = data.train();
        assertThat(train.multiLabel()).isTrue();
        assertThat(data.validation().multiLabel()).isTrue();
        assertThat(train.targets()[0]).hasSize(3);
        assertThat(data.heldOutTexts().labelSets()).hasSize(data.validation().size());
        // every frequent combination is held out at the split's 20%; the pooled rare ones (10 rows) as a group
        Map<String, Integer> held = new HashMap<>();
        for (float[] target : data.validation().targets()) {
            String key = (target[0] > 0 ? "a" : "") + (target[1] > 0 ? "b" : "") + (target[2] > 0 ? "c" : "");
            held.merge(key, 1, Integer::sum);
        }
        assertThat(held.get("a")).isEqualTo(20);
        assertThat(held.get("b")).isEqualTo(20);
        assertThat(held.get("ab")).isEqualTo(18);
        assertThat(held.getOrDefault("c", 0) + held.getOrDefault("ac", 0)).isEqualTo(2);
    }

    @Test
    void theSeparatorIsASettingAndSingleLabelKeepsTheFieldWhole() {
        PreparedDataset semicolon = reader.read(upload("d.csv", csv(";")), null, options(null, ";"));
        assertThat(semicolon.labels()).containsExactly("a", "b", "c");

        PreparedDataset single = reader.read(upload("d.csv", csv("|")), null, options("single-label", null));
        assertThat(single.train().multiLabel()).isFalse();
        assertThat(single.labels()).contains("b|a", "a|c");
        assertThat(single.report().labelCombinations()).isNull();
    }

    @Test
    void jsonLinesLabelArraysAndTheTaskSettingMakeAMultiLabelJob() {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            jsonl.append("{\"text\":\"text ").append(i).append("\",\"labels\":[\"").append(i % 2 == 0 ? "x" : "y")
                    .append("\"]}\n");
        }
        PreparedDataset arrays = reader.read(upload("d.jsonl", jsonl.toString()), null, options(null, null));
        assertThat(arrays.train().multiLabel()).isTrue();
        assertThat(arrays.labels()).containsExactly("x", "y");

        String plain = csv("|").replace("|", "+");
        assertThat(reader.read(upload("d.csv", plain), null, options("multi-label", null)).train().multiLabel()).isTrue();
    }

    @Test
    void aValidationFileWithAnUnknownLabelIsRefusedNamingIt() {
        assertThatThrownBy(() -> reader.read(upload("d.csv", csv("|")),
                upload("v.csv", "text,label\nsomething,a|z\n"), options(null, null)))
                .isInstanceOf(InvalidDatasetException.class)
                .hasMessageContaining("z");
    }
}
