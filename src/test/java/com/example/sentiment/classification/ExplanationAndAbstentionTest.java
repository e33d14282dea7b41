package com.example.sentiment.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import com.example.sentiment.FullContext;
import com.example.sentiment.ml.Calibration;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.TextClassifier;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;

/** explain=true and minConfidence over HTTP, against a tiny model computed independently. */
class ExplanationAndAbstentionTest extends FullContext {

    @Autowired
    MeterRegistry meters;

    // one tiny model for the whole class (the context is shared between its tests)
    private String modelId;
    private TextClassifier classifier;

    @BeforeEach
    void activateATinyModel() throws Exception {
        modelId = tinyModel(200, 3);
        classifier = modelService.resolve(null).classifier();
    }

    private MockHttpServletResponse call(MockHttpServletRequestBuilder request, Object body) throws Exception {
        return sendJson(request, body);
    }

    private JsonNode ok(MockHttpServletRequestBuilder request, Object body) throws Exception {
        MockHttpServletResponse response = call(request, body);
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        return read(response);
    }

    private JsonNode classify(Map<String, Object> body) throws Exception {
        return ok(post("/api/v1/classify"), body);
    }

    @Test
    void everyTokenReadIsWeighedByLeavingItOut() throws Exception {
        String text = "The acting was wonderful, but the plot wasn't!";
        JsonNode plain = classify(Map.of("text", text));
        JsonNode explained = classify(Map.of("text", text, "explain", true));
        assertThat(plain.has("explanation")).as("off unless asked for").isFalse();
        assertThat(explained.get("scores")).as("explaining does not change the answer").isEqualTo(plain.get("scores"));

        List<String> tokens = classifier.tokenize(text);
        JsonNode explanation = explained.get("explanation");
        assertThat(explanation).hasSize(tokens.size());
        String label = explained.get("label").asString();
        double probability = explained.get("scores").get(label).asDouble();
        for (int i = 0; i < tokens.size(); i++) {
            List<String> without = new ArrayList<>(tokens);
            without.remove(i);
            Prediction occluded = classifier.classifyTokenized(List.of(without)).get(0);
            assertThat(explanation.get(i).get("token").asString()).isEqualTo(tokens.get(i));
            assertThat(explanation.get(i).get("weight").asDouble()).as(tokens.get(i))
                    .isCloseTo(probability - occluded.scores().get(label), offset(1e-5));
        }
    }

    @Test
    void onlyTheTokensTheModelReadAreExplained() throws Exception {
        String text = "good ".repeat(classifier.maxSequenceLength() + 7);
        JsonNode explained = classify(Map.of("text", text, "explain", true));
        assertThat(explained.get("truncated").asBoolean()).isTrue();
        assertThat(explained.get("explanation")).hasSize(classifier.maxSequenceLength());
    }

    @Test
    void aBatchExplainsEveryText() throws Exception {
        List<String> texts = List.of("wonderful film", "an awful , boring plot", "ok");
        JsonNode batch = ok(post("/api/v1/classify/batch"), Map.of("texts", texts, "explain", true));
        for (int i = 0; i < texts.size(); i++) {
            JsonNode one = classify(Map.of("text", texts.get(i), "explain", true));
            assertThat(batch.get("results").get(i).get("explanation")).isEqualTo(one.get("explanation"));
        }
        JsonNode plain = ok(post("/api/v1/classify/batch"), Map.of("texts", texts));
        assertThat(plain.get("results").get(0).has("explanation")).isFalse();
    }

    @Test
    void moreTextsToExplainThanTheCapIs400NamingTexts() throws Exception {
        // sentiment.classify.max-explain-texts, 16 by default: each explained text costs a pass per token
        List<String> texts = java.util.Collections.nCopies(17, "a wonderful , moving film");
        MockHttpServletResponse response = call(post("/api/v1/classify/batch"),
                Map.of("texts", texts, "explain", true));
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(400);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        JsonNode error = json.readTree(response.getContentAsString()).get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("texts");
        assertThat(error.get("message").asString()).contains("at most 16 texts", "explain");
        assertThat(ok(post("/api/v1/classify/batch"), Map.of("texts", texts.subList(0, 16), "explain", true))
                .get("results")).hasSize(16);
        assertThat(ok(post("/api/v1/classify/batch"), Map.of("texts", texts)).get("results")).hasSize(17);
    }

    @Test
    void belowMinConfidenceTheAnswerAbstainsWithEveryScore() throws Exception {
        String text = "the movie was really good";
        JsonNode plain = classify(Map.of("text", text));
        double confidence = plain.get("confidence").asDouble();
        assertThat(confidence).isLessThan(0.9999);
        assertThat(plain.get("abstained").asBoolean()).isFalse();

        JsonNode atThreshold = classify(Map.of("text", text, "minConfidence", confidence));
        assertThat(atThreshold.get("label").asString()).isEqualTo(plain.get("label").asString());

        double before = abstentions();
        JsonNode abstained = classify(Map.of("text", text, "minConfidence", confidence + 1e-4));
        assertThat(abstained.get("label").isNull()).isTrue();
        assertThat(abstained.get("abstained").asBoolean()).isTrue();
        assertThat(abstained.get("scores")).isEqualTo(plain.get("scores"));
        JsonNode batch = ok(post("/api/v1/classify/batch"), Map.of("texts", List.of(text, text), "minConfidence", 1));
        assertThat(batch.get("results").get(1).get("abstained").asBoolean()).isTrue();
        assertThat(abstentions()).as("counted per model version").isEqualTo(before + 3);
    }

    private double abstentions() {
        var counter = meters.find("sentiment.abstentions").tag("model", modelId).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aThresholdOutsideZeroToOneIs400NamingTheField() throws Exception {
        for (Object bad : List.of(0, -0.5, 1.0001, 2)) {
            for (String path : List.of("/api/v1/classify", "/api/v1/classify/batch")) {
                MockHttpServletResponse response = call(post(path),
                        Map.of("text", "good", "texts", List.of("good"), "minConfidence", bad).entrySet().stream()
                                .filter(e -> !e.getKey().equals(path.endsWith("batch") ? "text" : "texts"))
                                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
                assertThat(response.getStatus()).as(path + " " + bad).isEqualTo(400);
                assertThat(json.readTree(response.getContentAsString()).get("errors").get(0).get("field").asString())
                        .isEqualTo("minConfidence");
            }
        }
    }

    @Test
    void aVersionsDefaultThresholdAppliesUnlessTheRequestSetsOne() throws Exception {
        String text = "a lovely film";
        try {
            JsonNode details = ok(put("/api/v1/models/" + modelId + "/settings"), Map.of("minConfidence", 1));
            assertThat(details.get("minConfidence").asDouble()).isEqualTo(1.0);
            assertThat(ok(get("/api/v1/models/" + modelId), Map.of()).get("minConfidence").asDouble()).isEqualTo(1.0);
            assertThat(classify(Map.of("text", text)).get("abstained").asBoolean()).isTrue();
            assertThat(classify(Map.of("text", text, "minConfidence", 0.01)).get("abstained").asBoolean()).isFalse();

            MockHttpServletResponse bad = call(put("/api/v1/models/" + modelId + "/settings"), Map.of("minConfidence", 0));
            assertThat(bad.getStatus()).isEqualTo(400);
            assertThat(bad.getContentAsString()).contains("\"field\":\"minConfidence\"");
            assertThat(call(put("/api/v1/models/20200101-000000-0000/settings"), Map.of("minConfidence", 0.5))
                    .getStatus()).isEqualTo(404);
        } finally {
            ok(put("/api/v1/models/" + modelId + "/settings"), java.util.Collections.singletonMap("minConfidence", null));
        }
        assertThat(classify(Map.of("text", text)).get("abstained").asBoolean()).isFalse();
        assertThat(modelService.get(modelId).metadata().minConfidence()).isNull();
    }

    @Test
    void aCalibratedVersionAnswersCalibratedScoresAndAbstainsWithItsReasons() throws Exception {
        TextClassifier fresh = com.example.sentiment.TinyModel.train(200, 3);
        String text = "the movie was really good";
        Prediction raw = fresh.classify(text);
        // an overconfident fixture: three right of four at 0.97-0.99
        Calibration calibration = Calibration.fit(new double[][] {{0.99, 0.01}, {0.98, 0.02}, {0.97, 0.03},
            {0.02, 0.98}}, new int[] {0, 1, 0, 1});
        String id = modelService.register(fresh, new com.example.sentiment.model.ModelMetadata(null, "calibrated",
                java.time.Instant.now(), null, com.example.sentiment.TinyModel.LABELS,
                com.example.sentiment.TinyModel.hyperParameters(3), fresh.vocabularySize(), null,
                fresh.parameterCount(), null, null, List.of(), 3, 1.0, null, null, null)
                .withCalibration(calibration), false).id();

        JsonNode plain = classify(Map.of("text", text, "modelId", id));
        double[] expected = Calibration.scaled(new double[] {raw.scores().get("negative"), raw.scores().get("positive")},
                calibration.temperature());
        assertThat(plain.get("scores").get("negative").asDouble()).isCloseTo(expected[0], offset(1e-6));
        assertThat(plain.get("label").asString()).isEqualTo(raw.label());
        assertThat(plain.has("abstainedReason")).isFalse();

        Calibration.PrecisionThreshold target = calibration.thresholdFor(0.99);
        JsonNode targeted = classify(Map.of("text", text, "modelId", id, "targetPrecision", 0.99));
        assertThat(targeted.get("precisionTarget").get("coverage").asDouble()).isEqualTo(0.25);
        assertThat(targeted.get("precisionTarget").get("threshold").asDouble()).isEqualTo(target.threshold());
        boolean below = !Calibration.reaches(plain.get("confidence").asDouble(), target.threshold());
        assertThat(targeted.get("abstained").asBoolean()).isEqualTo(below);
        if (below) {
            assertThat(targeted.get("abstainedReason").asString()).isEqualTo("precision-target");
        }
        JsonNode all = classify(Map.of("text", text, "modelId", id, "targetPrecision", 0.7));
        assertThat(all.get("abstained").asBoolean()).as("0.75 of all validation texts are right").isFalse();
        assertThat(all.get("precisionTarget").get("coverage").asDouble()).isEqualTo(1.0);

        JsonNode batch = ok(post("/api/v1/classify/batch"), Map.of("texts", List.of(text, "a lovely film"),
                "modelId", id, "ambiguityMargin", 0.9999));
        for (JsonNode r : batch.get("results")) {
            assertThat(r.get("abstained").asBoolean()).isTrue();
            assertThat(r.get("abstainedReason").asString()).isEqualTo("ambiguous");
            assertThat(r.get("label").isNull()).isTrue();
        }
        assertThat(ok(get("/api/v1/models/" + id), Map.of()).get("calibration").get("temperature").asDouble())
                .isEqualTo(calibration.temperature());

        // the active tiny version has no calibration: a precision target is refused, nothing else changes
        MockHttpServletResponse refused = call(post("/api/v1/classify"), Map.of("text", text, "targetPrecision", 0.9));
        assertThat(refused.getStatus()).isEqualTo(422);
        assertThat(refused.getContentType()).isEqualTo("application/problem+json");
        assertThat(refused.getContentAsString()).contains("precision-target-unavailable");
        assertThat(classify(Map.of("text", text)).get("scores"))
                .isEqualTo(classify(Map.of("text", text, "modelId", modelId)).get("scores"));
    }

    @Test
    void anEmptyBatchIs400NamingTexts() throws Exception {
        MockHttpServletResponse response = call(post("/api/v1/classify/batch"), Map.of("texts", List.of()));
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(json.readTree(response.getContentAsString()).get("errors").get(0).get("field").asString())
                .isEqualTo("texts");
    }
}
