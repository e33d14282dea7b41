package com.example.sentiment.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.model.ModelMetadata;
import com.example.sentiment.model.ModelNotFoundException;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.model.StoredModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drift of a tiny sentiment model trained on movie-review-like sentences ({@link TestCorpus}), its reference made
 * from a validation draw of that corpus: more text like it keeps every signal under its threshold; short
 * factual questions (another corpus: other words, other lengths, no sentiment) cross them.
 */
class DriftMonitorTest {

    private static final String ID = "20261201-000000-aaaa";
    private static final String BARE = "20261130-000000-bbbb";
    private static final SentimentProperties.Drift SETTINGS =
            new SentimentProperties.Drift(true, Duration.ofHours(1), 12, 500, 0.1, 0.25);

    private static TextClassifier classifier;
    private static byte[] reference;

    private final AtomicLong now = new AtomicLong(Instant.parse("2026-12-07T00:00:00Z").toEpochMilli());
    private final ModelService models = mock(ModelService.class);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private DriftMonitor monitor;

    @BeforeAll
    static void trainAndProfileTheValidationData() {
        classifier = TinyModel.train(200, 6);
        List<String> validation = TestCorpus.examples(600, 11).stream().map(TestCorpus.Example::text).toList();
        reference = DriftReference.files(classifier.labels(), classifier.classify(validation)).get(DriftReference.FILE);
    }

    @BeforeEach
    void twoVersionsOneWithAReference() {
        ModelMetadata metadata = new ModelMetadata(null, "tiny", Instant.parse("2026-12-01T00:00:00Z"), null,
                TinyModel.LABELS, TinyModel.hyperParameters(6), 10, null, 100, null, null, List.of(), 1, 1.0, null,
                null, null);
        when(models.get(ID)).thenReturn(new StoredModel(ID, metadata, null));
        when(models.get(BARE)).thenReturn(new StoredModel(BARE, metadata, null));
        when(models.get("nope")).thenThrow(ModelNotFoundException.forId("nope"));
        when(models.versionFile(ID, DriftReference.FILE)).thenReturn(Optional.of(reference));
        when(models.versionFile(BARE, DriftReference.FILE)).thenReturn(Optional.empty());
        monitor = new DriftMonitor(SETTINGS, models, registry, now::get);
    }

    /** Classifies the texts as the service does, in requests of 32, and counts them for {@code id}. */
    private void replay(String id, List<String> texts) {
        for (int from = 0; from < texts.size(); from += 32) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + 32));
            monitor.record(id, classifier.labels(), classifier.classify(batch));
        }
    }

    private static List<String> reviews(int n, long seed) {
        return TestCorpus.examples(n, seed).stream().map(TestCorpus.Example::text).toList();
    }

    /** Short factual questions, TREC-like: almost none of their words are in a review's vocabulary. */
    static List<String> questions(int n, long seed) {
        String[] openings = {"what is the", "who was the", "how many", "where is the", "when did the", "which"};
        String[] nouns = {"capital", "population", "longest river", "president", "currency", "highest mountain",
            "national anthem", "largest city", "official language", "inventor of the telephone"};
        String[] places = {"france", "canada", "japan", "brazil", "egypt", "peru", "kenya", "norway", "chile"};
        String[] endings = {"", " in 1990", " today", " called", " known for", " in the nineteenth century"};
        Random random = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(openings[random.nextInt(openings.length)] + " " + nouns[random.nextInt(nouns.length)] + " of "
                    + places[random.nextInt(places.length)] + endings[random.nextInt(endings.length)] + " ?");
        }
        return out;
    }

    private static Map<String, DriftReport.SignalDrift> bySignal(DriftReport report) {
        return report.signals().stream().collect(Collectors.toMap(DriftReport.SignalDrift::signal, s -> s));
    }

    @Test
    void moreTextLikeTheValidationDataKeepsEverySignalUnderItsThreshold() {
        replay(ID, reviews(800, 29));

        DriftReport report = monitor.report(ID);

        assertThat(report.liveSample()).isEqualTo(800);
        assertThat(report.referenceSample()).isEqualTo(600);
        assertThat(report.signals()).extracting(DriftReport.SignalDrift::signal)
                .containsExactly("length", "unknown-share", "label", "confidence");
        for (DriftReport.SignalDrift signal : report.signals()) {
            assertThat(signal.psi()).as(signal.signal()).isNotNull().isLessThan(SETTINGS.warnPsi());
            assertThat(signal.status()).as(signal.signal()).isEqualTo("ok");
            assertThat(signal.live().total()).as(signal.signal()).isEqualTo(800);
            assertThat(signal.reference().total()).as(signal.signal()).isEqualTo(600);
        }
        assertThat(report.status()).isEqualTo("ok");
    }

    @Test
    void questionsInsteadOfReviewsCrossTheThresholdsForVocabularyOrLengthAndForThePredictionMix() {
        replay(ID, questions(800, 31));

        DriftReport report = monitor.report(ID);
        Map<String, DriftReport.SignalDrift> signals = bySignal(report);

        assertThat(signals.get("unknown-share").psi()).isGreaterThanOrEqualTo(SETTINGS.alertPsi());
        assertThat(signals.get("unknown-share").status()).isEqualTo("alert");
        assertThat(Math.max(signals.get("label").psi(), signals.get("confidence").psi()))
                .as("prediction mix: the label or the confidence distribution")
                .isGreaterThanOrEqualTo(SETTINGS.warnPsi());
        assertThat(report.status()).isEqualTo("alert");
        // the same as gauges, one per signal
        assertThat(registry.get("sentiment.drift.psi").tags("model", ID, "signal", "unknown-share").gauge().value())
                .isEqualTo(signals.get("unknown-share").psi());
        assertThat(registry.get("sentiment.drift.live.sample").tags("model", ID).gauge().value()).isEqualTo(800);
    }

    @Test
    void belowTheMinimumSampleNothingIsJudgedAndTheGaugesSayNaN() {
        replay(ID, questions(100, 31));

        DriftReport report = monitor.report(ID);

        assertThat(report.status()).isEqualTo("insufficient-data");
        assertThat(report.signals()).allSatisfy(s -> assertThat(s.status()).isEqualTo("insufficient-data"));
        // the index is shown all the same
        assertThat(bySignal(report).get("unknown-share").psi()).isGreaterThan(SETTINGS.alertPsi());
        assertThat(registry.get("sentiment.drift.psi").tags("model", ID, "signal", "unknown-share").gauge().value())
                .isNaN();
    }

    @Test
    void theWindowForgetsTrafficOlderThanItsLength() {
        replay(ID, questions(800, 31));
        now.addAndGet(Duration.ofMinutes(61).toMillis());
        replay(ID, reviews(600, 37));

        DriftReport report = monitor.report(ID);

        assertThat(report.liveSample()).isEqualTo(600);
        assertThat(report.status()).isEqualTo("ok");
    }

    @Test
    void aVersionWithoutAReferenceShowsItsLiveHistogramsOnly() {
        replay(BARE, reviews(50, 41));

        DriftReport report = monitor.report(BARE);

        assertThat(report.status()).isEqualTo("no-reference");
        assertThat(report.referenceSample()).isNull();
        assertThat(report.signals()).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo("no-reference");
            assertThat(s.psi()).isNull();
            assertThat(s.reference()).isNull();
        });
        assertThat(bySignal(report).get("label").live().bins()).isEqualTo(TinyModel.LABELS);
        assertThat(bySignal(report).get("label").live().total()).isEqualTo(50);
    }

    @Test
    void aVersionWithoutTrafficHasEmptyHistogramsAndAnUnknownOneIsNotFound() {
        DriftReport report = monitor.report(ID);
        assertThat(report.liveSample()).isZero();
        assertThat(report.status()).isEqualTo("insufficient-data");

        assertThatThrownBy(() -> monitor.report("nope")).isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void switchedOffItCountsNothing() {
        DriftMonitor off = new DriftMonitor(new SentimentProperties.Drift(false, Duration.ofHours(1), 12, 500, 0.1,
                0.25), models, registry, now::get);
        off.record(ID, classifier.labels(), classifier.classify(reviews(10, 43)));

        assertThat(off.report(ID).liveSample()).isZero();
        assertThat(registry.find("sentiment.drift.psi").gauges()).isEmpty();
    }
}
