package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nearest neighbours by cosine, among the most frequent words, words with letters only. */
class WordNeighboursTest {

    @TempDir
    Path dir;

    @Test
    void nearestWordsByCosineAmongTheFirstRowsOfTheFile() throws Exception {
        Map<String, float[]> vectors = new LinkedHashMap<>();
        // in frequency order, as GloVe's files are
        vectors.put("good", new float[] {1, 0, 0});
        vectors.put(",", new float[] {1, 0, 0});
        vectors.put("great", new float[] {2, 0.2f, 0});
        vectors.put("fine", new float[] {0.8f, 0.4f, 0});
        vectors.put("bad", new float[] {-1, 0, 0});
        vectors.put("plot", new float[] {0, 0, 1});
        vectors.put("superb", new float[] {1, 0.01f, 0});
        Path file = dir.resolve("v.vec");
        WordVectorTable.write(file, vectors);
        WordVectorTable table = WordVectorTable.open(file);

        WordNeighbours near = WordNeighbours.compute(table, List.of("good", "plot", ",", "unseen", "superb"), 6, 2);
        // "superb" is nearer still but beyond the 6 most frequent words; "," has no letter; length does not count
        assertThat(near.of("good")).containsExactly("great", "fine");
        assertThat(near.of("plot")).hasSize(2).doesNotContain("plot", ",");
        assertThat(near.of(",")).isEmpty();
        assertThat(near.of("unseen")).isEmpty();
        assertThat(near.of("superb")).containsExactly("good", "great");
        assertThat(near.size()).isEqualTo(3);
    }
}
