package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderCatalogueTest {

    @TempDir
    Path dir;

    @Test
    void namesTheBundledEncodersAndRefusesAnUnknownNameWithTheAvailableOnes() {
        try (EncoderCatalogue catalogue = new EncoderCatalogue(null)) {
            assertThat(catalogue.names()).containsExactly("e5-small", "minilm-l6");
            assertThat(catalogue.has("e5-small")).isTrue();
            assertThat(catalogue.has("bge-small")).isFalse();
            assertThatThrownBy(() -> catalogue.get("bge-small")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Unknown encoder 'bge-small'; available: e5-small, minilm-l6");
            assertThatThrownBy(() -> catalogue.fingerprint("bge-small")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("available: e5-small, minilm-l6");
        }
    }

    @Test
    void aFolderOfTheEncodersDirectoryIsAnEncoderOfItsName() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("my-minilm"));
        Files.write(folder.resolve("model.onnx"), EncoderFixtures.modelBytes(EncoderCatalogue.MINILM_L6));
        Files.write(folder.resolve("tokenizer.json"), EncoderFixtures.tokenizerBytes(EncoderCatalogue.MINILM_L6));
        Files.createDirectories(dir.resolve("incomplete")).resolve("model.onnx").toFile().createNewFile();
        Files.writeString(dir.resolve("README.md"), "not an encoder");

        try (EncoderCatalogue catalogue = new EncoderCatalogue(dir)) {
            assertThat(catalogue.names()).containsExactly("e5-small", "minilm-l6", "my-minilm");
            PretrainedEncoder copy = catalogue.get("my-minilm");
            PretrainedEncoder bundled = catalogue.get("minilm-l6");
            assertThat(copy.name()).isEqualTo("my-minilm");
            assertThat(copy).isNotSameAs(bundled);
            String text = "the same files, the same states";
            int[] pieces = copy.pieces(text, 64);
            assertThat(pieces).containsExactly(bundled.pieces(text, 64));
            assertThat(copy.states(List.of(pieces))[0]).isDeepEqualTo(bundled.states(List.of(pieces))[0]);

            String expected = sha256(EncoderFixtures.modelBytes(EncoderCatalogue.MINILM_L6),
                    EncoderFixtures.tokenizerBytes(EncoderCatalogue.MINILM_L6));
            assertThat(catalogue.fingerprint("my-minilm")).isEqualTo(expected).hasSize(64);
            assertThat(catalogue.fingerprint("minilm-l6")).isEqualTo(expected);
            assertThat(catalogue.fingerprint("e5-small")).isNotEqualTo(expected).hasSize(64);
        }
    }

    @Test
    void aFolderMayNotShadowABundledEncoderAndTheDirectoryMustBeOne() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("e5-small"));
        Files.writeString(folder.resolve("model.onnx"), "x");
        Files.writeString(folder.resolve("tokenizer.json"), "{}");
        assertThatThrownBy(() -> new EncoderCatalogue(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("would replace the bundled encoder e5-small");
        assertThatThrownBy(() -> new EncoderCatalogue(dir.resolve("missing"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void anEncoderIsOpenedOnceForConcurrentCallersAndAgainAfterClose() throws Exception {
        try (EncoderCatalogue catalogue = new EncoderCatalogue(null)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Callable<PretrainedEncoder>> calls = IntStream.range(0, 4)
                        .<Callable<PretrainedEncoder>>mapToObj(i -> () -> catalogue.get(EncoderCatalogue.MINILM_L6)).toList();
                List<PretrainedEncoder> got = new ArrayList<>();
                for (Future<PretrainedEncoder> call : pool.invokeAll(calls)) {
                    got.add(call.get());
                }
                assertThat(got).allSatisfy(e -> assertThat(e).isSameAs(got.get(0)));
            } finally {
                pool.shutdown();
            }
            PretrainedEncoder first = catalogue.get(EncoderCatalogue.MINILM_L6);
            catalogue.close();
            PretrainedEncoder reopened = catalogue.get(EncoderCatalogue.MINILM_L6);
            assertThat(reopened).isNotSameAs(first);
            assertThat(reopened.states(List.of(reopened.pieces("still works", 16)))[0]).hasNumberOfRows(4);
            assertThatThrownBy(() -> first.states(List.of(first.pieces("closed", 16)))).isInstanceOf(IllegalStateException.class);
        }
    }

    private static String sha256(byte[] first, byte[] second) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(first);
        digest.update(second);
        return HexFormat.of().formatHex(digest.digest());
    }
}
