package com.example.sentiment.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.EncoderCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class EncoderCatalogueConfigurationTest {

    @TempDir
    Path dir;

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(Properties.class, EncoderCatalogueConfiguration.class);

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SentimentProperties.class)
    static class Properties {
    }

    @Test
    void byDefaultOnlyTheBundledEncoders() {
        context.run(c -> assertThat(c.getBean(EncoderCatalogue.class).names()).containsExactly("e5-small", "minilm-l6"));
        context.withPropertyValues("sentiment.encoders.directory=")
                .run(c -> assertThat(c.getBean(EncoderCatalogue.class).names()).containsExactly("e5-small", "minilm-l6"));
    }

    @Test
    void theDirectorysEncodersAreListedAtStartAndOpenedOnlyWhenAskedFor() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(folder.resolve("model.onnx"), "not an ONNX graph");
        Files.writeString(folder.resolve("tokenizer.json"), "{}");
        // the start does not open the encoder, so its broken files cannot stop it
        context.withPropertyValues("sentiment.encoders.directory=" + dir).run(c -> {
            EncoderCatalogue catalogue = c.getBean(EncoderCatalogue.class);
            assertThat(catalogue.names()).containsExactly("e5-small", "minilm-l6", "broken");
            assertThatThrownBy(() -> catalogue.get("broken")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Unsupported tokenizer.json");
        });
    }

    @Test
    void aMissingDirectoryStopsTheStartWithItsPath() {
        context.withPropertyValues("sentiment.encoders.directory=" + dir.resolve("missing")).run(c ->
                assertThat(c).getFailure().rootCause().hasMessageContaining(dir.resolve("missing") + " is not a directory"));
    }
}
