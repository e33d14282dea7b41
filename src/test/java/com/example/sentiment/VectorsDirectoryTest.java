package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where word vectors are looked for when {@code sentiment.vectors-dir} is not set. */
class VectorsDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void theDataDirectorysVectorsComeFirstThenTheCheckoutsBuildCacheThenTheDataDirectory() throws Exception {
        Path data = dir.resolve("home/vectors");
        Path checkout = dir.resolve("repo/.cache/vectors");
        assertThat(SentimentProperties.defaultVectorsDir(data, checkout)).as("neither exists").isEqualTo(data);

        Files.createDirectories(checkout);
        assertThat(SentimentProperties.defaultVectorsDir(data, checkout)).as("started from the checkout")
                .isEqualTo(checkout);

        Files.createDirectories(data);
        assertThat(SentimentProperties.defaultVectorsDir(data, checkout)).isEqualTo(data);
    }

    @Test
    void anExplicitSettingWins() {
        assertThat(TestProperties.of(java.util.Map.of("sentiment.vectors-dir", "/srv/vectors")).vectorsDir())
                .isEqualTo(Path.of("/srv/vectors"));
    }
}
