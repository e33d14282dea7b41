package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.HyperParameters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** "preset": "auto" resolves to the documented candidates; what a job sets applies to every one of them. */
class PresetsTest {

    private static final SentimentProperties.Defaults DEFAULTS = new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("sentiment.training.defaults", SentimentProperties.Defaults.class);

    @Test
    void autoIsTheDefaultAndTriesTheOneDirectionLstmWithFrozenVectorsFirst() {
        TrainingConfig.ResolvedTrainingConfig resolved = TrainingConfig.EMPTY.resolve(DEFAULTS, true);
        assertThat(resolved.candidates()).extracting(ConfigurationSearch.Candidate::name)
                .containsExactly("lstm-two-phase", "lstm", "bilstm-last-max");
        HyperParameters twoPhase = resolved.candidates().get(0).hyperParameters();
        HyperParameters simple = resolved.candidates().get(1).hyperParameters();
        HyperParameters strong = resolved.candidates().get(2).hyperParameters();
        assertThat(simple.bidirectional()).isFalse();
        assertThat(simple.pooling()).isEqualTo(HyperParameters.Pooling.LAST);
        assertThat(simple.freezeEmbeddings()).isFalse();
        assertThat(simple.fineTuneEpochs()).isZero();
        // the lstm candidate's network, trained with the vectors frozen and then fine-tuned
        assertThat(twoPhase).usingRecursiveComparison().ignoringFields("freezeEmbeddings", "fineTuneEpochs")
                .isEqualTo(simple);
        assertThat(twoPhase.freezeEmbeddings()).isTrue();
        assertThat(twoPhase.fineTuneEpochs()).isEqualTo(2);
        assertThat(strong.bidirectional()).isTrue();
        assertThat(strong.pooling()).isEqualTo(HyperParameters.Pooling.LAST_MAX);
        assertThat(strong.spatialDropout()).isEqualTo(0.2);
        assertThat(strong.freezeEmbeddings()).isTrue();
        assertThat(strong.fineTuneEpochs()).isEqualTo(2);
        assertThat(resolved.hyperParameters()).isEqualTo(twoPhase);
        assertThat(resolved.timeBudgetSeconds()).isEqualTo(600);
    }

    @Test
    void fieldsAJobSetsApplyToEveryCandidate() {
        TrainingConfig config = Presets.overlay(Presets.of(Map.of("lstmUnits", 32, "epochs", 3, "pooling", "max")),
                TrainingConfig.EMPTY);
        TrainingConfig.ResolvedTrainingConfig resolved = config.resolve(DEFAULTS, true);
        assertThat(resolved.candidates()).hasSize(3).allSatisfy(c -> {
            assertThat(c.hyperParameters().lstmUnits()).isEqualTo(32);
            assertThat(c.hyperParameters().epochs()).isEqualTo(3);
            assertThat(c.hyperParameters().pooling()).isEqualTo(HyperParameters.Pooling.MAX);
        });
        // identical candidates are trained once
        TrainingConfig pinned = Presets.of(Map.of("bidirectional", true, "pooling", "last+max", "spatialDropout", 0.2,
                "embeddingDropout", 0.0, "freezeEmbeddings", true, "fineTuneEpochs", 2));
        assertThat(pinned.resolve(DEFAULTS, true).candidates()).hasSize(1);
    }

    @Test
    void withoutWordVectorsTheTwoPhaseCandidateIsTheOneDirectionLstm() {
        // nothing to freeze: both one-direction candidates would train the same network; it trains once, as lstm
        TrainingConfig.ResolvedTrainingConfig resolved = TrainingConfig.EMPTY.resolve(DEFAULTS, false);
        assertThat(resolved.candidates()).extracting(ConfigurationSearch.Candidate::name)
                .containsExactly("lstm", "bilstm-last-max");
        assertThat(resolved.candidates()).allSatisfy(c -> assertThat(c.hyperParameters().wordVectors()).isNull());
        assertThat(resolved.candidates().get(0).hyperParameters().freezeEmbeddings())
                .as("named and set as what it trains").isFalse();
    }

    @Test
    void presetNoneTrainsOneConfiguration() {
        TrainingConfig none = Presets.of(Map.of("preset", "none", "timeBudgetSeconds", 60));
        TrainingConfig.ResolvedTrainingConfig resolved = none.resolve(DEFAULTS, true);
        assertThat(resolved.candidates()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("manual");
            assertThat(c.hyperParameters().bidirectional()).isFalse();
        });
        assertThat(resolved.timeBudgetSeconds()).isEqualTo(60);
    }

    @Test
    void anAvailableEncoderIsTriedLastUnlessTheJobNamesAnEncoderOrATeacher() {
        TrainingConfig.ResolvedTrainingConfig resolved = Presets.of(Map.of("epochs", 3)).resolve(DEFAULTS, true,
                List.of("e5-small"));
        assertThat(resolved.candidates()).extracting(ConfigurationSearch.Candidate::name)
                .containsExactly("lstm-two-phase", "lstm", "bilstm-last-max", "encoder-bilstm-e5-small");
        assertThat(resolved.candidates().subList(0, 3)).allSatisfy(c -> assertThat(c.hyperParameters().usesEncoder())
                .isFalse());
        assertThat(resolved.hyperParameters().usesEncoder()).as("the job's settings are the first candidate's").isFalse();
        HyperParameters encoder = resolved.candidates().get(3).hyperParameters();
        // the settings of models/sst2-encoder; the word-vector ones have nothing to act on
        assertThat(encoder.encoder()).isEqualTo("e5-small");
        assertThat(encoder.bidirectional()).isTrue();
        assertThat(encoder.lstmUnits()).isEqualTo(128);
        assertThat(encoder.pooling()).isEqualTo(HyperParameters.Pooling.LAST_MAX);
        assertThat(encoder.wordVectors()).isNull();
        assertThat(encoder.freezeEmbeddings()).isFalse();
        assertThat(encoder.fineTuneEpochs()).isZero();
        assertThat(encoder.spatialDropout()).isZero();
        assertThat(encoder.epochs()).as("what the job sets applies to it too").isEqualTo(3);
        assertThat(encoder.earlyStoppingPatience()).as("more patient than the others").isEqualTo(5);
        assertThat(resolved.candidates().get(0).hyperParameters().earlyStoppingPatience()).isEqualTo(3);
        assertThat(Presets.of(Map.of("earlyStoppingPatience", 2)).resolve(DEFAULTS, true, List.of("e5-small"))
                .candidates().get(3).hyperParameters().earlyStoppingPatience()).as("a job's own patience applies")
                .isEqualTo(2);

        // no encoder available (or sentiment.training.auto-encoders: none)
        assertThat(TrainingConfig.EMPTY.resolve(DEFAULTS, true, List.of()).candidates()).hasSize(3);
        // a student of a teacher is a word-vector model
        assertThat(Presets.of(Map.of("teacher", "20261129-130908-d56a")).resolve(DEFAULTS, true, List.of("e5-small"))
                .candidates()).extracting(ConfigurationSearch.Candidate::name)
                .containsExactly("lstm-two-phase", "lstm", "bilstm-last-max");
        // a job that names an encoder: every candidate reads it, and no other is added
        assertThat(Presets.of(Map.of("encoder", "minilm-l6")).resolve(DEFAULTS, true, List.of("e5-small"))
                .candidates())
                .extracting(c -> c.name() + " " + c.hyperParameters().encoder())
                .containsExactly("lstm minilm-l6", "bilstm-last-max minilm-l6");
        // or word-vectors: none reads an encoder
        assertThat(Presets.of(Map.of("encoder", "word-vectors")).resolve(DEFAULTS, true, List.of("e5-small"))
                .candidates())
                .hasSize(3).noneMatch(c -> c.hyperParameters().usesEncoder());
        assertThat(Presets.of(Map.of("preset", "none")).resolve(DEFAULTS, true, List.of("e5-small")).candidates())
                .singleElement().satisfies(c -> assertThat(c.hyperParameters().usesEncoder()).isFalse());
    }

    @Test
    void eachAvailableAutoEncoderIsACandidateInTheListedOrderAfterTheWordVectorOnes() {
        TrainingConfig.ResolvedTrainingConfig resolved = TrainingConfig.EMPTY.resolve(DEFAULTS, true,
                List.of("minilm-l6", "e5-small"));
        assertThat(resolved.candidates()).extracting(c -> c.name() + " " + c.hyperParameters().encoder())
                .containsExactly("lstm-two-phase null", "lstm null", "bilstm-last-max null",
                        "encoder-bilstm-minilm-l6 minilm-l6", "encoder-bilstm-e5-small e5-small");
        assertThat(resolved.candidates().subList(3, 5)).allSatisfy(c -> {
            assertThat(c.hyperParameters().bidirectional()).isTrue();
            assertThat(c.hyperParameters().lstmUnits()).isEqualTo(128);
        });
    }
}
