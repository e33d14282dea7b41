package com.example.sentiment.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import com.example.sentiment.FullContext;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.model.ModelMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

/**
 * A shadow at sample rate 1.0 through the whole service: every answer of {@code /classify},
 * {@code /classify/batch} and {@code /v2} is byte for byte what it was without a shadow, and the report then
 * counts every text, with a confusion that adds up, an agreement inside its interval, and no texts kept.
 */
class ShadowVersionFlowTest extends FullContext {

    @Autowired
    MeterRegistry meters;

    private final List<String> texts = TestCorpus.examples(12, 7).stream().map(TestCorpus.Example::text).toList();

    private List<String> answers() throws Exception {
        List<String> all = new ArrayList<>();
        for (String text : texts) {
            all.add(ok(sendJson(post("/api/v1/classify"), Map.of("text", text))));
        }
        all.add(ok(sendJson(post("/api/v1/classify/batch"), Map.of("texts", texts))));
        all.add(ok(sendJson(post("/v2/models/sentiment/infer"), Map.of("id", "r1", "inputs",
                List.of(Map.of("name", "text", "shape", List.of(texts.size()), "datatype", "BYTES", "data", texts))))));
        return all;
    }

    private static String ok(MockHttpServletResponse response) throws Exception {
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        return response.getContentAsString();
    }

    private String storeShadowVersion() throws Exception {
        // one epoch: a weaker model than the active one, so that the two disagree on some texts
        TextClassifier classifier = TinyModel.train(60, 1);
        ModelMetadata metadata = new ModelMetadata(null, "shadow", Instant.now(), null, TinyModel.LABELS,
                TinyModel.hyperParameters(1), classifier.vocabularySize(), null, classifier.parameterCount(), null,
                null, List.of(), 1, 1.0, null, null, null);
        return modelService.register(classifier, metadata, false).id();
    }

    @Test
    void aShadowAtSampleRateOneNeverChangesAnAnswerAndReportsEveryText() throws Exception {
        String active = tinyModel(120, 6);
        String shadow = storeShadowVersion();
        assertThat(perform(get("/api/v1/models/shadow")).getStatus()).isEqualTo(404);
        List<String> without = answers();

        MockHttpServletResponse set = sendJson(put("/api/v1/models/shadow"),
                Map.of("modelId", shadow, "sampleRate", 1.0));
        assertThat(set.getStatus()).as(set.getContentAsString()).isEqualTo(200);
        assertThat(read(perform(get("/api/v1/models/shadow"))).get("modelId").asString()).isEqualTo(shadow);
        List<String> with = answers();
        assertThat(with).isEqualTo(without);

        int expected = texts.size() * 3; // one by one, one batch, one v2 request
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(read(perform(get("/api/v1/models/shadow/report"))).get("compared").asLong())
                        .isEqualTo(expected));
        JsonNode report = read(perform(get("/api/v1/models/shadow/report")));
        assertThat(report.get("modelId").asString()).isEqualTo(shadow);
        assertThat(report.get("requests").asLong()).isEqualTo(texts.size() + 2);
        long confused = 0;
        long diagonal = 0;
        for (var row : report.get("confusion").properties()) {
            for (var cell : row.getValue().properties()) {
                confused += cell.getValue().asLong();
                diagonal += row.getKey().equals(cell.getKey()) ? cell.getValue().asLong() : 0;
            }
        }
        assertThat(confused).isEqualTo(expected);
        assertThat(diagonal).isEqualTo(report.get("agreed").asLong());
        double agreement = report.get("agreement").asDouble();
        assertThat(agreement).isBetween(report.get("agreementLow").asDouble(), report.get("agreementHigh").asDouble());
        assertThat(report.get("activeLatency").get("samples").asInt()).isEqualTo(texts.size() + 2);
        assertThat(report.get("shadowLatency").get("p99").asDouble()).isPositive();
        assertThat(report.get("textsKept").asBoolean()).isFalse();
        for (JsonNode example : report.get("examples")) {
            assertThat(example.get("text").isNull()).as("texts are not kept by default").isTrue();
            assertThat(example.get("activeLabel").asString()).isNotEqualTo(example.get("shadowLabel").asString());
            assertThat(example.get("activeModelId").asString()).isEqualTo(active);
        }
        assertThat(meters.get("sentiment.shadow.compared").counter().count()).isEqualTo(expected);
        assertThat(meters.get("sentiment.shadow.agreed").counter().count()).isEqualTo(report.get("agreed").asDouble());

        MockHttpServletResponse kept = perform(delete("/api/v1/models/" + shadow));
        assertThat(kept.getStatus()).as("the shadow version is not deleted").isEqualTo(409);
        assertThat(kept.getContentType()).startsWith("application/problem+json");
        assertThat(read(kept).get("detail").asString()).contains("is the shadow version");

        assertThat(perform(delete("/api/v1/models/shadow")).getStatus()).isEqualTo(204);
        assertThat(perform(get("/api/v1/models/shadow/report")).getStatus()).isEqualTo(404);
        assertThat(perform(delete("/api/v1/models/" + shadow)).getStatus()).as("no longer in use").isEqualTo(204);
        assertThat(read(perform(get("/api/v1/models/events"))).findValues("type").stream().map(JsonNode::asString))
                .containsSubsequence("shadow-set", "shadow-ended");
    }
}
