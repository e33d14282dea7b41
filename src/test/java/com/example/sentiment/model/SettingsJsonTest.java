package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.BundledModel;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.LongText;
import com.example.sentiment.system.StoredJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A version's settings are written as a job's config spells them, and read in either form: the metadata of
 * versions stored before (the constants' names, as the first bundled model's) still loads.
 */
class SettingsJsonTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theEnumsAreWrittenAsTheConfigSpellsThem() {
        HyperParameters hp = new HyperParameters(3, 8, 0.01, 8, 8, true, 0.1, 0.0, 20, 1, 100, 7, 0,
                HyperParameters.Pooling.LAST_MAX, null, false, HyperParameters.Engine.DL4J,
                HyperParameters.SelectionMetric.MACRO_F1, 0.2, 0.01, 0, 1, HyperParameters.ClassWeights.BALANCED);
        JsonNode written = JSON.valueToTree(hp);
        assertThat(written.get("pooling").asString()).isEqualTo("last+max");
        assertThat(written.get("engine").asString()).isEqualTo("dl4j");
        assertThat(written.get("selectionMetric").asString()).isEqualTo("macroF1");
        assertThat(written.get("classWeights").asString()).isEqualTo("balanced");
        assertThat(StoredJson.readerFor(JSON, HyperParameters.class).<HyperParameters>readValue(written.toString()))
                .isEqualTo(hp);
    }

    @Test
    void settingsStoredWithTheConstantsNamesStillLoad() throws Exception {
        String old = "{\"epochs\":3,\"pooling\":\"LAST_MAX\",\"engine\":\"FUSED\",\"selectionMetric\":\"MACRO_F1\","
                + "\"classWeights\":\"BALANCED\"}";
        HyperParameters hp = StoredJson.readerFor(JSON, HyperParameters.class).readValue(old);
        assertThat(hp.pooling()).isEqualTo(HyperParameters.Pooling.LAST_MAX);
        assertThat(hp.engine()).isEqualTo(HyperParameters.Engine.FUSED);
        assertThat(hp.selectionMetric()).isEqualTo(HyperParameters.SelectionMetric.MACRO_F1);
        assertThat(hp.classWeights()).isEqualTo(HyperParameters.ClassWeights.BALANCED);
        assertThat(hp.encoder()).as("versions from before encoders read word vectors").isNull();
        assertThat(hp.usesEncoder()).isFalse();
        assertThat(hp.longText()).as("versions from before the setting, so that their answers do not change")
                .isEqualTo(LongText.TRUNCATE);
        assertThat(hp.lstmLayers()).as("versions from before layers could be stacked have one").isEqualTo(1);
    }

    @Test
    void stackedLayersAreWrittenAndReadBack() {
        HyperParameters one = new HyperParameters(3, 8, 0.01, 8, 8, false, 0.1, 0.0, 20, 1, 100, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED,
                HyperParameters.SelectionMetric.MACRO_F1);
        HyperParameters two = new HyperParameters(one.epochs(), one.batchSize(), one.learningRate(),
                one.embeddingSize(), one.lstmUnits(), one.bidirectional(), one.dropout(), one.embeddingDropout(),
                one.maxSequenceLength(), one.minWordFrequency(), one.maxVocabularySize(), one.seed(),
                one.earlyStoppingPatience(), one.pooling(), one.wordVectors(), one.freezeEmbeddings(), one.engine(),
                one.selectionMetric(), one.spatialDropout(), one.weightDecay(), one.fineTuneEpochs(),
                one.ensembleSize(), one.classWeights(), one.encoder(), one.longText(), one.longTextStride(),
                one.distillationLoss(), 2);
        JsonNode written = JSON.valueToTree(two);
        assertThat(written.get("lstmLayers").asInt()).isEqualTo(2);
        HyperParameters read = StoredJson.readerFor(JSON, HyperParameters.class).readValue(written.toString());
        assertThat(read).isEqualTo(two);
        assertThat(read.withLongText(LongText.CHUNK, 6).lstmLayers()).as("kept by the derived settings").isEqualTo(2);
        assertThat(one.lstmLayers()).isEqualTo(1);
    }

    @Test
    void theLongTextSettingIsWrittenAndReadBack() {
        HyperParameters hp = new HyperParameters(3, 8, 0.01, 8, 8, false, 0.1, 0.0, 20, 1, 100, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED,
                HyperParameters.SelectionMetric.MACRO_F1).withLongText(LongText.CHUNK, 6);
        JsonNode written = JSON.valueToTree(hp);
        assertThat(written.get("longText").asString()).isEqualTo("chunk");
        assertThat(written.get("longTextStride").asInt()).isEqualTo(6);
        HyperParameters read = StoredJson.readerFor(JSON, HyperParameters.class).readValue(written.toString());
        assertThat(read).isEqualTo(hp);
        assertThat(read.longTextReading()).isEqualTo(LongText.CHUNK);
    }

    @Test
    void theEncoderIsWrittenAndReadBack() {
        HyperParameters hp = new HyperParameters(3, 8, 0.01, 384, 8, true, 0.1, 0.0, 20, 1, 3, 7, 0,
                HyperParameters.Pooling.LAST_MAX, null, false, HyperParameters.Engine.FUSED,
                HyperParameters.SelectionMetric.MACRO_F1, 0.2, 0.01, 0, 1, HyperParameters.ClassWeights.NONE,
                "e5-small");
        JsonNode written = JSON.valueToTree(hp);
        assertThat(written.get("encoder").asString()).isEqualTo("e5-small");
        assertThat(StoredJson.readerFor(JSON, HyperParameters.class).<HyperParameters>readValue(written.toString()))
                .isEqualTo(hp);
    }

    @Test
    void aKeptCandidatesHeadsAreWrittenAndReadBackAndEarlierReportsReadWithoutThem() {
        HyperParameters hp = new HyperParameters(3, 8, 0.01, 384, 8, true, 0.1, 0.0, 20, 1, 3, 7, 0,
                HyperParameters.Pooling.LAST_MAX, null, false, HyperParameters.Engine.FUSED,
                HyperParameters.SelectionMetric.MACRO_F1, 0.2, 0.01, 0, 3, HyperParameters.ClassWeights.NONE,
                "e5-small");
        ConfigurationSearch.CandidateReport kept = new ConfigurationSearch.CandidateReport("encoder-bilstm-e5-small",
                hp, 0.9, 0.85, 0.01, 7, 300.0, true, null, "the validation split (545 rows)", null, 545, null, null,
                null, "3 heads over the same states, seeds 7 to 9");
        JsonNode written = JSON.valueToTree(kept);
        assertThat(written.get("ensemble").asString()).isEqualTo("3 heads over the same states, seeds 7 to 9");
        var reader = StoredJson.readerFor(JSON, ConfigurationSearch.CandidateReport.class);
        assertThat(reader.<ConfigurationSearch.CandidateReport>readValue(written.toString())).isEqualTo(kept);

        ((tools.jackson.databind.node.ObjectNode) written).remove("ensemble");
        ConfigurationSearch.CandidateReport earlier = reader.readValue(written.toString());
        assertThat(earlier.ensemble()).isNull();
        assertThat(earlier.hyperParameters().ensembleSize()).isEqualTo(3);
    }

    @Test
    void theFirstBundledVersionsMetadataLoadsAsItIsCommitted() throws Exception {
        String id = BundledModel.FIRST_DEFAULT;
        byte[] committed = Files.readAllBytes(Path.of("models", id, "metadata.json"));
        ModelMetadata metadata = StoredJson.readerFor(JSON, ModelMetadata.class).readValue(committed);
        assertThat(metadata.hyperParameters().pooling()).isEqualTo(HyperParameters.Pooling.LAST);
        assertThat(metadata.hyperParameters().longTextReading()).isEqualTo(LongText.TRUNCATE);
        assertThat(JSON.valueToTree(metadata).get("hyperParameters").get("pooling").asString()).isEqualTo("last");
        assertThat(Files.readAllBytes(Path.of("models", id, "metadata.json"))).isEqualTo(committed);
    }
}
