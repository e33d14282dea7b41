package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our WordPiece tokenizer against Hugging Face's own (Rust, through DJL) on both bundled tokenizer files. */
class WordPieceTokenizerTest {

    private static final int NO_LIMIT = Integer.MAX_VALUE;

    /** Texts that exercise each step of the pipeline, and its edges. */
    static final List<String> TRICKY = List.of(
            "",
            " ",
            "   \t\n\r  ",
            "Café naïve résumé São Paulo Zürich façade",
            "ÀÉÎÕÜ ñ ç ø å æ œ ß Ł đ",
            "İstanbul ΣΊΣΥΦΟΣ ὈΔΥΣΣΕΎΣ ǅungla ΣΑΣ",
            "e\u0301 combining acute, a\u0308\u0304 two marks",
            "don't can't won't it's y'all o'clock",
            "Hello, world!!! ... ?! (parens) [brackets] {braces}",
            "e-mail @home #tag $100 50% a+b=c <tag> ~tilde~ `back` ^caret^ |pipe| \\slash/ under_score",
            "“smart quotes” ‘single’ – en — em … «guillemets» ¡hola! ¿qué? 《書名》",
            "😀 😂👍🏽 👨‍👩‍👧 ❤️ 🥰 🇬🇧 ☺ ★ ♥",
            "中文字 日本語のテキスト 한국어 텍스트 混合English文本",
            "𠀀𪜀 𫝀 𬺰 丽 CJK extensions and compatibility",
            "supercalifragilisticexpialidocious antidisestablishmentarianism",
            "a".repeat(100),
            "a".repeat(101),
            "b".repeat(99) + "é",
            "pneumonoultramicroscopicsilicovolcanoconiosis".repeat(3),
            "\u0000null\u0007bell\u001Bescape\u0085nel\u00A0nbsp\u200Bzwsp\u200Dzwj\uFEFFbom\uFFFDrepl\u2028ls\u3000ideo",
            "\u000Bvtab\u000Cff\u001Cfs\u2007figure\u202Fnarrow\u205Fmath\u1680ogham\u180Emongolian",
            "[CLS] [SEP] [MASK] [PAD] [UNK] hello[MASK]world [MASK][MASK]",
            "[cls] lowercase is not special, nor is [MASK without its bracket",
            "ﬁligature ½ ² ℌ Ⅻ ㎏ ｆｕｌｌｗｉｄｔｈ",
            "Ελληνικά Русский текст עברית العربية हिन्दी ไทย ภาษา",
            "123,456.78 1st 2nd 3rd 4th 1,000,000 3.14159 -42 +7",
            "U.S.A. e.g. i.e. Mr. Smith's",
            "http://example.com/path?q=1&r=2#frag user@example.org",
            "\tTabs\tbetween\twords\nand\nnew lines\r\nand CRLF",
            "ǈ ǋ ǲ ẞ ﬀ ΐ ǰ",
            "a\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308 stacked marks",
            "Ｈｅｌｌｏ ＷＯＲＬＤ！",
            "🙂".repeat(60),
            "word ".repeat(300));

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {EncoderCatalogue.E5_SMALL, EncoderCatalogue.MINILM_L6})
    void givesHuggingFacesIdsForTheFixtureAndTrickyTexts(String encoder) throws Exception {
        List<String> texts = new ArrayList<>(EncoderFixtures.sentences());
        texts.addAll(TRICKY);
        try (HuggingFaceTokenizer reference = EncoderFixtures.reference(encoder, dir)) {
            // the long text proves the reference's truncation is off (MiniLM's file truncates at 128 by default)
            assertThat(reference.encode("word ".repeat(300)).getIds()).hasSize(302);
            assertSameIds(EncoderFixtures.tokenizer(encoder), reference, texts);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {EncoderCatalogue.E5_SMALL, EncoderCatalogue.MINILM_L6})
    void givesHuggingFacesIdsForEverySst2DevSentence(String encoder) throws Exception {
        Optional<List<String>> dev = EncoderFixtures.sst2Dev();
        Assumptions.assumeTrue(dev.isPresent(), "shared/datasets/sst2/dev.csv is not there");
        assertThat(dev.get()).hasSize(872);
        try (HuggingFaceTokenizer reference = EncoderFixtures.reference(encoder, dir)) {
            assertSameIds(EncoderFixtures.tokenizer(encoder), reference, dev.get());
        }
    }

    private static void assertSameIds(WordPieceTokenizer ours, HuggingFaceTokenizer reference, List<String> texts) {
        List<String> differences = new ArrayList<>();
        for (String text : texts) {
            long[] expected = reference.encode(text).getIds();
            long[] actual = EncoderFixtures.toLongs(ours.encode(text, NO_LIMIT));
            if (!Arrays.equals(expected, actual)) {
                differences.add(escaped(text) + "\n  expected " + Arrays.toString(expected) + "\n  actual   " + Arrays.toString(actual));
            }
        }
        assertThat(differences).as("texts tokenised differently").isEmpty();
    }

    /** The text with every character outside printable ASCII as a Java escape, so that a failure can be read. */
    private static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\u%04X", c)));
        return out.toString();
    }

    @Test
    void anEmptyOrBlankTextIsJustTheTwoMarkers() throws Exception {
        WordPieceTokenizer tokenizer = EncoderFixtures.tokenizer(EncoderCatalogue.E5_SMALL);
        int[] markers = {tokenizer.startId(), tokenizer.endId()};
        assertThat(markers).containsExactly(101, 102);
        for (String text : List.of("", "   ", "\u0000\u200B\n")) {
            assertThat(tokenizer.encode(text, 10)).containsExactly(markers);
        }
        // a lone surrogate is dropped with the other non-characters
        assertThat(tokenizer.encode("\uD83D", 10)).containsExactly(markers);
    }

    @Test
    void truncationKeepsTheFirstPiecesAndEndsWithTheEndMarker() throws Exception {
        WordPieceTokenizer tokenizer = EncoderFixtures.tokenizer(EncoderCatalogue.MINILM_L6);
        String text = "an unexpectedly long-winded sentence, whose words split into several pieces each";
        int[] full = tokenizer.encode(text, NO_LIMIT);
        assertThat(full.length).isGreaterThan(12);
        for (int limit = 2; limit < full.length; limit++) {
            int[] cut = tokenizer.encode(text, limit);
            assertThat(cut).hasSize(limit);
            assertThat(Arrays.copyOf(cut, limit - 1)).containsExactly(Arrays.copyOf(full, limit - 1));
            assertThat(cut[limit - 1]).isEqualTo(tokenizer.endId());
        }
        assertThat(tokenizer.encode(text, full.length)).containsExactly(full);
        assertThat(tokenizer.encode(text, 2)).containsExactly(tokenizer.startId(), tokenizer.endId());
        assertThatThrownBy(() -> tokenizer.encode(text, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2");
    }

    @Test
    void refusesATokenizerItDoesNotImplement() {
        String bpe = """
                {"model": {"type": "BPE", "vocab": {"a": 0}}, "pre_tokenizer": {"type": "ByteLevel"}}""";
        assertThatThrownBy(() -> WordPieceTokenizer.read(new ByteArrayInputStream(bpe.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model.type must be WordPiece");
        assertThatThrownBy(() -> WordPieceTokenizer.read(new ByteArrayInputStream("{not json".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
    }
}
