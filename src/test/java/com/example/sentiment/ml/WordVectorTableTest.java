package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordVectorTableTest {

    @TempDir
    Path dir;

    @Test
    void theBinaryFormRoundTripsEveryWordAndNumber() throws Exception {
        Map<String, float[]> vectors = new LinkedHashMap<>();
        vectors.put("good", new float[] {0.5f, -1.25f, 3e-7f});
        vectors.put("é", new float[] {Float.MAX_VALUE, 0f, -0f});   // odd byte length: the matrix is padded
        vectors.put("naïve", new float[] {1f, 2f, 3f});
        Path file = dir.resolve("tiny.vec");
        WordVectorTable.write(file, vectors);

        WordVectorTable table = WordVectorTable.open(file);
        assertThat(table.size()).isEqualTo(3);
        assertThat(table.dimensions()).isEqualTo(3);
        for (Map.Entry<String, float[]> e : vectors.entrySet()) {
            float[] v = new float[3];
            assertThat(table.copyVector(e.getKey(), v)).isTrue();
            assertThat(v).containsExactly(e.getValue());
        }
        float[] untouched = {9f, 9f, 9f};
        assertThat(table.copyVector("bad", untouched)).isFalse();
        assertThat(untouched).containsExactly(9f, 9f, 9f);
        assertThat(Files.list(dir)).containsExactly(file);   // no temporary file left behind
    }

    @Test
    void readsGloveAndWord2vecText() throws Exception {
        Path glove = dir.resolve("g.txt");
        Files.writeString(glove, "good 0.1 0.2\nbad -0.1 -0.2\n");
        Path word2vec = dir.resolve("w.txt");
        Files.writeString(word2vec, "2 2\ngood 0.1 0.2\nbad -0.1 -0.2\n");
        for (Path file : new Path[] {glove, word2vec}) {
            WordVectorTable table = WordVectorTable.open(file);
            float[] v = new float[2];
            assertThat(table.size()).isEqualTo(2);
            assertThat(table.copyVector("bad", v)).isTrue();
            assertThat(v).containsExactly(-0.1f, -0.2f);
        }
    }

    @Test
    void aTruncatedOrMissingFileIsAClearTrainingFailure() throws Exception {
        Path file = dir.resolve("cut.vec");
        WordVectorTable.write(file, Map.of("good", new float[] {1f, 2f, 3f, 4f}));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> WordVectorTable.open(file)).isInstanceOf(TrainingFailedException.class)
                .hasMessageContaining("cut.vec").hasMessageContaining("damaged");
        assertThatThrownBy(() -> WordVectorTable.open(dir.resolve("absent.vec")))
                .isInstanceOf(TrainingFailedException.class).hasMessageContaining("missing");
    }
}
