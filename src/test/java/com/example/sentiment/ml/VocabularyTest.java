package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {

    private final List<List<String>> docs = List.of(
            List.of("good", "film"), List.of("bad", "film"), List.of("film", "good", "rare"));

    @Test
    void ordersByFrequencyAndReservesPaddingAndUnknown() {
        Vocabulary vocabulary = Vocabulary.build(docs, 1, 100);
        assertThat(vocabulary.words()).containsExactly("<pad>", "<unk>", "film", "good", "bad", "rare");
        assertThat(vocabulary.idOf("film")).isEqualTo(2);
        assertThat(vocabulary.idOf("never-seen")).isEqualTo(Vocabulary.UNKNOWN_ID);
    }

    @Test
    void appliesMinimumFrequencyAndMaximumSize() {
        assertThat(Vocabulary.build(docs, 2, 100).words()).containsExactly("<pad>", "<unk>", "film", "good");
        assertThat(Vocabulary.build(docs, 1, 3).words()).containsExactly("<pad>", "<unk>", "film");
    }

    @Test
    void encodesTruncatesAndNeverGivesAnEmptySequence() {
        Vocabulary vocabulary = Vocabulary.build(docs, 1, 100);
        assertThat(vocabulary.encode(List.of("good", "unknown", "film"), 10)).containsExactly(3, 1, 2);
        assertThat(vocabulary.encode(List.of("good", "unknown", "film"), 2)).containsExactly(3, 1);
        assertThat(vocabulary.encode(List.of(), 10)).containsExactly(Vocabulary.UNKNOWN_ID);
    }

    @Test
    void roundTripsThroughAFile(@TempDir Path dir) throws Exception {
        Vocabulary vocabulary = Vocabulary.build(docs, 1, 100);
        vocabulary.write(dir.resolve("v.txt"));
        assertThat(Vocabulary.read(dir.resolve("v.txt")).words()).isEqualTo(vocabulary.words());
    }

    @Test
    void findsEveryWordOfALargeVocabularyAndNoOther(@TempDir Path dir) throws Exception {
        // thousands of words, among them pairs whose String hashes collide ("Aa"/"BB" and their concatenations)
        java.util.List<String> lines = new java.util.ArrayList<>(List.of("<pad>", "<unk>", "Aa", "BB", "AaAa", "BBBB", "AaBB"));
        for (int i = 0; i < 5000; i++) {
            lines.add("w" + i);
        }
        Files.write(dir.resolve("v.txt"), lines);
        Vocabulary vocabulary = Vocabulary.read(dir.resolve("v.txt"));
        for (int id = 0; id < lines.size(); id++) {
            assertThat(vocabulary.idOf(new String(lines.get(id).toCharArray()))).isEqualTo(id);
            assertThat(vocabulary.contains(lines.get(id))).isTrue();
        }
        for (String absent : List.of("w5000", "w-1", "BBAa", "", "aa")) {
            assertThat(vocabulary.idOf(absent)).isEqualTo(Vocabulary.UNKNOWN_ID);
            assertThat(vocabulary.contains(absent)).isFalse();
        }
    }

    @Test
    void aWordListedTwiceKeepsItsLastIdAsAMapWould(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("v.txt"), List.of("<pad>", "<unk>", "film", "good", "film"));
        Vocabulary vocabulary = Vocabulary.read(dir.resolve("v.txt"));
        assertThat(vocabulary.idOf("film")).isEqualTo(4);
        assertThat(vocabulary.idOf("good")).isEqualTo(3);
    }
}
