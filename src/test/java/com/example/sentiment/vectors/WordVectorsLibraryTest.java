package com.example.sentiment.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.WordVectorTable;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class WordVectorsLibraryTest {

    @TempDir
    Path dir;

    private WordVectorsLibrary library() {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("sentiment.vectors-dir", dir.toString())));
        return new WordVectorsLibrary(binder.bindOrCreate("sentiment", SentimentProperties.class));
    }

    @Test
    void withoutTheDefaultFileJobsGetNoVectorsAndTheStatusSaysWhy() {
        WordVectorsLibrary library = library();
        assertThat(library.defaultName()).isEmpty();
        assertThat(library.status().available()).isFalse();
        assertThat(library.status().name()).isEqualTo("glove-100d.vec");
        assertThat(library.status().problem()).contains("missing").contains("random embeddings");
    }

    @Test
    void opensTheDefaultFileOnceAtStart() throws Exception {
        WordVectorTable.write(dir.resolve("glove-100d.vec"), Map.of("good", new float[] {1f, 2f}, "bad", new float[] {3f, 4f}));
        WordVectorsLibrary library = library();
        assertThat(library.defaultName()).hasValue("glove-100d.vec");
        assertThat(library.status()).isEqualTo(new WordVectorsLibrary.Status("glove-100d.vec", true, 2, 2, null));
        assertThat(library.get("glove-100d.vec")).isSameAs(library.get("glove-100d.vec"));
    }

    @Test
    void aDamagedDefaultFileIsReportedNotFatal() throws Exception {
        java.nio.file.Files.write(dir.resolve("glove-100d.vec"), "WORDVEC1garbage".getBytes());
        WordVectorsLibrary library = library();
        assertThat(library.defaultName()).isEmpty();
        assertThat(library.status().problem()).contains("damaged");
    }
}
