package com.example.sentiment.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.example.sentiment.FullContext;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.model.ModelMetadata;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Drift through the running service on the embedded default: a version stored with its reference (in its folder,
 * checksummed), live traffic from {@code /classify}, {@code /classify/batch} and {@code /v2} counted, the report and
 * the Prometheus gauges.
 */
class DriftApiTest extends FullContext {

    @Test
    void everyClassifyEndpointFeedsTheVersionsWindowAndTheReportComparesItWithTheStoredReference() throws Exception {
        TextClassifier classifier = TinyModel.train(200, 4);
        List<String> validation = TestCorpus.examples(300, 11).stream().map(TestCorpus.Example::text).toList();
        ModelMetadata metadata = new ModelMetadata(null, "tiny", Instant.now(), null, TinyModel.LABELS,
                TinyModel.hyperParameters(4), classifier.vocabularySize(), null, classifier.parameterCount(), null,
                null, List.of(), 4, 1.0, null, null, null);
        String id = modelService.register(classifier, metadata,
                DriftReference.files(classifier.labels(), classifier.classify(validation)), true).id();

        assertThat(models.resolve(id).resolve(DriftReference.FILE)).isRegularFile();
        assertThat(Files.readString(models.resolve(id).resolve("metadata.json"))).contains(DriftReference.FILE);

        assertThat(sendJson(post("/api/v1/classify"), Map.of("text", "a wonderful film")).getStatus()).isEqualTo(200);
        assertThat(sendJson(post("/api/v1/classify/batch"), Map.of("texts",
                List.of("a terrible plot", "brilliant music", "what is the capital of peru ?"))).getStatus())
                .isEqualTo(200);
        assertThat(sendJson(post("/v2/models/sentiment/infer"), Map.of("inputs", List.of(Map.of("name", "text",
                "shape", List.of(2), "datatype", "BYTES", "data", List.of("dull acting", "lovely story"))))).getStatus())
                .isEqualTo(200);

        JsonNode report = read(perform(get("/api/v1/models/" + id + "/drift")));
        assertThat(report.get("modelId").asString()).isEqualTo(id);
        assertThat(report.get("liveSample").asInt()).isEqualTo(6);
        assertThat(report.get("referenceSample").asInt()).isEqualTo(300);
        assertThat(report.get("status").asString()).isEqualTo("insufficient-data");
        JsonNode unknown = report.get("signals").get(1);
        assertThat(unknown.get("signal").asString()).isEqualTo("unknown-share");
        // the question's words but "the" are outside the review vocabulary: "0.5-1"
        assertThat(unknown.get("live").get("counts").get(5).asInt()).isEqualTo(1);
        assertThat(unknown.get("reference").get("counts").get(0).asInt()).isEqualTo(300);

        String prometheus = perform(get("/actuator/prometheus")).getContentAsString();
        assertThat(prometheus).contains("sentiment_drift_psi{model=\"" + id + "\",signal=\"unknown-share\"} NaN",
                "sentiment_drift_live_sample{model=\"" + id + "\"} 6.0");
    }
}
