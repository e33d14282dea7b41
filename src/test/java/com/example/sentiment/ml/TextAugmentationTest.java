package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each operation of Tang et al.'s augmentation on its own, and the copies a job makes of a text. */
class TextAugmentationTest {

    private static final List<String> TEXT = List.of("the", "acting", "was", "good", "and", "the", "plot", "was",
            "dull");
    private static final WordNeighbours NEIGHBOURS = WordNeighbours.of(Map.of(
            "good", List.of("great", "fine"), "dull", List.of("boring")));

    @Test
    void maskingReplacesTokensByTheUnknownWordWithItsProbability() {
        TextAugmentation always = new TextAugmentation(NEIGHBOURS, 1, 0, 0);
        assertThat(always.mask(TEXT, new Random(1))).hasSize(TEXT.size()).containsOnly(Vocabulary.UNKNOWN);
        assertThat(new TextAugmentation(NEIGHBOURS, 0, 0, 0).mask(TEXT, new Random(1))).isEqualTo(TEXT);

        List<String> many = Collections.nCopies(20_000, "word");
        long masked = new TextAugmentation(NEIGHBOURS).mask(many, new Random(2)).stream()
                .filter(Vocabulary.UNKNOWN::equals).count();
        assertThat(masked / 20_000.0).isBetween(0.09, 0.11);
    }

    @Test
    void swapsReplaceAWordWithOneOfItsNeighboursAndLeaveWordsWithoutNeighbours() {
        TextAugmentation always = new TextAugmentation(NEIGHBOURS, 0, 1, 0);
        Set<String> seenForGood = new HashSet<>();
        for (int seed = 0; seed < 50; seed++) {
            List<String> swapped = always.swap(TEXT, new Random(seed));
            assertThat(swapped).hasSize(TEXT.size());
            for (int i = 0; i < TEXT.size(); i++) {
                String original = TEXT.get(i);
                List<String> allowed = switch (original) {
                    case "good" -> List.of("great", "fine");
                    case "dull" -> List.of("boring");
                    default -> List.of(original);
                };
                assertThat(allowed).contains(swapped.get(i));
            }
            seenForGood.add(swapped.get(3));
        }
        assertThat(seenForGood).as("a neighbour is drawn at random").containsExactlyInAnyOrder("great", "fine");
        assertThat(new TextAugmentation(NEIGHBOURS, 0, 0, 0).swap(TEXT, new Random(3))).isEqualTo(TEXT);
    }

    @Test
    void anNgramIsAContiguousRunOfOneToFiveTokens() {
        Set<Integer> lengths = new HashSet<>();
        for (int seed = 0; seed < 200; seed++) {
            List<String> gram = TextAugmentation.ngram(TEXT, new Random(seed));
            lengths.add(gram.size());
            assertThat(Collections.indexOfSubList(TEXT, gram)).as("%s is a run of the text", gram).isNotNegative();
        }
        assertThat(lengths).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        assertThat(TextAugmentation.ngram(List.of("short", "text"), new Random(4))).hasSizeBetween(1, 2);
    }

    @Test
    void augmentationIsDeterministicPerSeedAndGivesDistinctCopiesThatDifferFromTheText() {
        TextAugmentation augmentation = new TextAugmentation(NEIGHBOURS);
        List<List<String>> first = augmentation.copies(TEXT, 6, new Random(42));
        List<List<String>> again = augmentation.copies(TEXT, 6, new Random(42));
        assertThat(first).isEqualTo(again).hasSize(6).doesNotContain(TEXT).doesNotHaveDuplicates();
        assertThat(augmentation.copies(TEXT, 6, new Random(43))).isNotEqualTo(first);
        // a one-word text has few variants: the unknown word, or nothing new; never the text itself
        List<List<String>> oneWord = augmentation.copies(List.of("plot"), 5, new Random(5));
        assertThat(oneWord).hasSizeLessThan(5).doesNotContain(List.of("plot")).doesNotHaveDuplicates();
        assertThat(augmentation.copies(new ArrayList<>(), 3, new Random(6))).isEmpty();
    }

    @Test
    void aCopyUsesAllThreeOperations() {
        TextAugmentation augmentation = new TextAugmentation(NEIGHBOURS);
        boolean masked = false;
        boolean swapped = false;
        boolean shortened = false;
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            List<String> copy = augmentation.augment(TEXT, random);
            masked |= copy.contains(Vocabulary.UNKNOWN);
            swapped |= copy.contains("great") || copy.contains("fine") || copy.contains("boring");
            shortened |= copy.size() < TEXT.size();
        }
        assertThat(masked).isTrue();
        assertThat(swapped).isTrue();
        assertThat(shortened).isTrue();
    }
}
