package com.example.sentiment.ml;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;

/** Shared by the encoder tests: the bundled encoders' files, Hugging Face's reference tokenizer, and texts. */
final class EncoderFixtures {

    private EncoderFixtures() {
    }

    static byte[] modelBytes(String encoder) {
        return read(EncoderCatalogue.BUNDLED.get(encoder).modelFile());
    }

    static byte[] tokenizerBytes(String encoder) {
        return read(EncoderCatalogue.BUNDLED.get(encoder).tokenizerFile());
    }

    static WordPieceTokenizer tokenizer(String encoder) throws IOException {
        try (InputStream in = EncoderCatalogue.Resources.resource(EncoderCatalogue.BUNDLED.get(encoder).tokenizerFile())) {
            return WordPieceTokenizer.read(in);
        }
    }

    /** Hugging Face's tokenizer (through DJL) on the encoder's tokenizer.json, without padding or truncation. */
    static HuggingFaceTokenizer reference(String encoder, Path dir) throws IOException {
        Path file = dir.resolve(encoder + "-tokenizer.json");
        Files.write(file, tokenizerBytes(encoder));
        return HuggingFaceTokenizer.builder().optTokenizerPath(file).optPadding(false).optTruncation(false)
                .optAddSpecialTokens(true).build();
    }

    /** The committed sentences of {@code src/test/resources/encoders/sentences.txt}. */
    static List<String> sentences() {
        return new String(read("encoders/sentences.txt"), StandardCharsets.UTF_8).lines().toList();
    }

    /**
     * The SST-2 dev sentences when the shared datasets are there: {@code shared/datasets} beside the checkout
     * ({@code ../shared/datasets}, as in CI) or beside a parent folder of it (a worktree).
     */
    static Optional<List<String>> sst2Dev() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("shared/datasets/sst2/dev.csv");
            if (Files.isRegularFile(file)) {
                try (CSVParser parser = CSVParser.parse(file, StandardCharsets.UTF_8,
                        CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
                    return Optional.of(parser.stream().map(r -> r.get("text")).toList());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return Optional.empty();
    }

    static long[] toLongs(int[] ids) {
        return java.util.Arrays.stream(ids).asLongStream().toArray();
    }

    private static byte[] read(String resource) {
        try (InputStream in = EncoderCatalogue.Resources.resource(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
