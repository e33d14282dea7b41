package com.example.sentiment.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.Tokenizer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** On a phrase corpus, only whole sentences are held out, and no part of one stays in training. */
class SentenceHoldOutTest {

    private final Tokenizer tokenizer = new Tokenizer();

    @Test
    void holdsOutWholeSentencesAndLeavesTheirPhrasesOutOfTraining() throws Exception {
        // 60 sentences of 6 distinct words each, and every 2- and 3-word phrase of them, SST-style
        Random random = new Random(3);
        List<String> sentences = new ArrayList<>();
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int s = 0; s < 60; s++) {
            List<String> words = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                words.add("w" + s + "x" + w + (random.nextBoolean() ? "a" : "b"));
            }
            String label = s % 2 == 0 ? "positive" : "negative";
            sentences.add(String.join(" ", words));
            csv.append(String.join(" ", words)).append(',').append(label).append('\n');
            for (int len = 2; len <= 3; len++) {
                for (int start = 0; start + len <= 6; start++) {
                    csv.append(String.join(" ", words.subList(start, start + len))).append(',').append(label).append('\n');
                }
            }
        }
        MemoryBudget.Claim claim = new MemoryBudget.Claim(Long.MAX_VALUE, Long.MAX_VALUE);
        WordTable words = new WordTable(claim);
        TokenisedRows rows = new TokenisedRows("data", words, tokenizer, claim);
        DatasetParser.Summary summary = new DatasetParser(JsonMapper.builder().build(), 10_000).read("data",
                new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), "d.csv", "text", "label", rows);
        HyperParameters hp = new HyperParameters(1, 16, 0.01, 16, 16, false, 0, 0, 10, 1, 10_000, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null);
        PreparedDataset prepared = PreparedDataset.prepare(new PreparedDataset.FileRows(summary, rows, "sha"), null, words,
                0.2, 42, 2, hp, 0, 0, true, true, false);

        Set<String> sentenceSet = new HashSet<>(sentences);
        List<String> held = prepared.heldOutTexts().texts();
        assertThat(held).hasSize(12).allSatisfy(t -> assertThat(sentenceSet).contains(t));
        // each held-out sentence takes its 9 phrases out of training; the other sentences keep theirs
        assertThat(prepared.report().validationSource()).isEqualTo("sentences");
        assertThat(prepared.report().trainingPhrasesLeftOut()).isEqualTo(12 * 9);
        assertThat(prepared.train().size()).isEqualTo(60 * 10 - 12 - 12 * 9);
        // and a plain split of the same rows holds out phrases of sentences that stay in training
        PreparedDataset plain = PreparedDataset.prepare(new PreparedDataset.FileRows(summary, rows, "sha"), null, words,
                0.2, 42, 2, hp, 0, 0, true, false, false);
        assertThat(plain.heldOutTexts().texts()).anySatisfy(t -> assertThat(sentenceSet).doesNotContain(t));
        assertThat(plain.report().trainingPhrasesLeftOut()).isNull();
    }
}
