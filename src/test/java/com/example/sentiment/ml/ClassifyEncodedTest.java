package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.example.sentiment.TestCorpus;
import com.example.sentiment.TinyModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The unknown words a classification counts, and the classification of rows already encoded (a job's
 * validation rows, from which its drift reference is made) agreeing with that of the texts.
 */
class ClassifyEncodedTest {

    private static final Tokenizer TOKENIZER = new Tokenizer();
    private static Vocabulary vocabulary;
    private static TextClassifier classifier;

    @BeforeAll
    static void trainOnTheTestCorpus() {
        List<String> texts = new ArrayList<>();
        int[] labels = new int[60];
        List<TestCorpus.Example> corpus = TestCorpus.examples(60, 5);
        for (int i = 0; i < corpus.size(); i++) {
            texts.add(corpus.get(i).text());
            labels[i] = TinyModel.LABELS.indexOf(corpus.get(i).label());
        }
        List<List<String>> tokens = texts.stream().map(TOKENIZER::tokenize).toList();
        vocabulary = Vocabulary.build(tokens, 1, 100);
        EncodedTexts train = EncodedTexts.encode(new LabelledTexts(texts, labels), TOKENIZER, vocabulary, 20);
        classifier = new ClassifierTrainer().train(vocabulary, train, train, TinyModel.LABELS,
                TinyModel.hyperParameters(1), null, TrainingObserver.NONE, () -> false).classifier();
    }

    @Test
    void aClassificationCountsTheUnknownWordsAmongThoseRead() {
        assertThat(vocabulary.contains("good")).isTrue();
        assertThat(vocabulary.contains("qqq")).isFalse();

        Prediction known = classifier.classify("the film was good");
        Prediction twoUnknown = classifier.classify("qqq good zzz film");

        assertThat(known.unknownTokens()).isZero();
        assertThat(twoUnknown.tokens()).isEqualTo(4);
        assertThat(twoUnknown.unknownTokens()).isEqualTo(2);
        // words past the maximum length (20) are not read, so not counted
        Prediction cut = classifier.classify("good ".repeat(20) + "qqq zzz");
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.tokens()).isEqualTo(20);
        assertThat(cut.unknownTokens()).isZero();
    }

    @Test
    void encodedRowsAreClassifiedAsTheirTexts() {
        List<String> texts = List.of("the film was good", "qqq good zzz film", "a dull and boring plot xyz",
                "wonderful", "zzz");
        EncodedTexts encoded = EncodedTexts.encode(new LabelledTexts(texts, new int[texts.size()]), TOKENIZER,
                vocabulary, 20);

        List<Prediction> direct = classifier.classify(texts);
        List<Prediction> fromRows = classifier.classifyEncoded(encoded);

        for (int i = 0; i < texts.size(); i++) {
            assertThat(fromRows.get(i).label()).isEqualTo(direct.get(i).label());
            assertThat(fromRows.get(i).confidence()).isCloseTo(direct.get(i).confidence(), within(1e-6));
            assertThat(fromRows.get(i).tokens()).isEqualTo(direct.get(i).tokens());
            assertThat(fromRows.get(i).unknownTokens()).isEqualTo(direct.get(i).unknownTokens());
        }
        assertThat(fromRows.get(4).unknownTokens()).isEqualTo(1);
    }
}
