package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenizerTest {

    private final Tokenizer tokenizer = new Tokenizer();

    @Test
    void splitsContractionsThePennTreebankWay() {
        assertThat(tokenizer.tokenize("It doesn't work, and the film's ending can't save it."))
                .containsExactly("it", "does", "n't", "work", ",", "and", "the", "film", "'s", "ending", "ca", "n't",
                        "save", "it", ".");
        assertThat(tokenizer.tokenize("I'm sure they'll say we've won't you'd")).containsExactly(
                "i", "'m", "sure", "they", "'ll", "say", "we", "'ve", "wo", "n't", "you", "'d");
    }

    @Test
    void typedTextAndTreebankTextGiveTheSameTokens() {
        assertThat(tokenizer.tokenize("The film's plot doesn't work... \"Dull\" -- says everyone."))
                .isEqualTo(tokenizer.tokenize("the film 's plot does n't work ... `` dull '' -- says everyone ."));
    }

    @Test
    void typographicApostrophesAreApostrophes() {
        assertThat(tokenizer.tokenize("Doesn\u2019t")).containsExactly("does", "n't");
    }

    @Test
    void keepsHyphenatedWordsAndNumbers() {
        assertThat(tokenizer.tokenize("A re-imagining, 1.5 hours, $10,000!"))
                .containsExactly("a", "re-imagining", ",", "1.5", "hours", ",", "$", "10,000", "!");
    }

    @Test
    void isUnicodeAware() {
        assertThat(tokenizer.tokenize("Ça été TRÈS Bien, Привет МИР; 東京"))
                .containsExactly("ça", "été", "très", "bien", ",", "привет", "мир", ";", "東京");
        // a decomposed accent is normalised and stays inside its word
        assertThat(tokenizer.tokenize("cafe\u0301 noir")).containsExactly("caf\u00e9", "noir");
    }

    @Test
    void emojiAndPunctuationAreTokensAndControlCharactersAreDropped() {
        assertThat(tokenizer.tokenize("great\u0000 movie \uD83D\uDE00!!")).containsExactly("great", "movie", "\uD83D\uDE00", "!", "!");
        assertThat(tokenizer.tokenize("   \t\n")).isEmpty();
        assertThat(tokenizer.tokenize("")).isEmpty();
    }

    @Test
    void quotesAroundWordsAreSplitOff() {
        assertThat(tokenizer.tokenize("'hello' he said")).containsExactly("'", "hello", "'", "he", "said");
        assertThat(tokenizer.tokenize("the dogs' bones")).containsExactly("the", "dogs", "'", "bones");
    }
}
