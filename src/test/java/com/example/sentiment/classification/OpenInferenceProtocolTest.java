package com.example.sentiment.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.example.sentiment.FullContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

/**
 * The KServe V2 REST endpoints. The first test runs before any model exists (readiness 503); the class
 * activates a tiny model for the others. Test order does not matter: each makes sure of the state it needs.
 */
@SpringBootTest(properties = "sentiment.classify.max-batch-size=4")
class OpenInferenceProtocolTest extends FullContext {

    @Autowired
    MeterRegistry meters;

    private String activeModel() throws Exception {
        return tinyModel(200, 3);
    }

    private MockHttpServletResponse get(String path) throws Exception {
        return perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get(path));
    }

    private MockHttpServletResponse infer(String name, String body) throws Exception {
        return sendJson(post("/v2/models/" + name + "/infer"), body);
    }

    @Test
    void serverMetadataAndHealth() throws Exception {
        JsonNode server = read(get("/v2"));
        assertThat(server.get("name").asString()).isEqualTo("sentiment-service");
        assertThat(server.has("version")).isTrue();
        assertThat(server.get("extensions").isArray()).isTrue();
        assertThat(get("/v2/health/live").getStatus()).isEqualTo(200);
        if (tinyModelIfAny() == null) {
            assertThat(get("/v2/health/ready").getStatus()).as("no model yet").isEqualTo(503);
            assertThat(get("/v2/models/sentiment/ready").getStatus()).as("4xx, never 503").isEqualTo(409);
            assertThat(get("/v2/models/sentiment").getStatus()).isEqualTo(503);
        }
        activeModel();
        assertThat(get("/v2/health/ready").getStatus()).isEqualTo(200);
        assertThat(read(get("/v2/health/ready")).get("ready").asBoolean()).isTrue();
    }

    @Test
    void modelMetadataByAliasOrVersion() throws Exception {
        String id = activeModel();
        for (String path : List.of("/v2/models/sentiment", "/v2/models/" + id, "/v2/models/sentiment/versions/" + id,
                "/v2/models/" + id + "/versions/" + id)) {
            MockHttpServletResponse response = get(path);
            assertThat(response.getStatus()).as(path).isEqualTo(200);
            JsonNode metadata = read(response);
            assertThat(metadata.get("versions").get(0).asString()).isEqualTo(id);
            assertThat(metadata.get("labels").toString()).isEqualTo("[\"negative\",\"positive\"]");
            assertThat(metadata.get("inputs").get(0).toString())
                    .isEqualTo("{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[-1]}");
            assertThat(metadata.get("outputs").get(1).toString())
                    .isEqualTo("{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,2]}");
            assertThat(metadata.get("outputs").get(2).toString())
                    .isEqualTo("{\"name\":\"chunks\",\"datatype\":\"INT32\",\"shape\":[-1]}");
        }
        assertThat(get("/v2/models/sentiment/ready").getStatus()).isEqualTo(200);
        assertThat(get("/v2/models/" + id + "/ready").getStatus()).isEqualTo(200);
        for (String unknown : List.of("/v2/models/nope", "/v2/models/20200101-000000-0000", "/v2/models/nope/ready",
                "/v2/models/" + id + "/versions/20200101-000000-0000")) {
            MockHttpServletResponse response = get(unknown);
            assertThat(response.getStatus()).as(unknown).isEqualTo(404);
            assertThat(read(response).get("error").asString()).isNotBlank();
        }
    }

    @Test
    void inferAnswersLabelsAndRowMajorProbabilitiesInTheMetadataOrder() throws Exception {
        String id = activeModel();
        List<String> texts = List.of("a wonderful , lovely film", "awful and boring", "the plot");
        long before = inferRequestsMeasured();
        MockHttpServletResponse response = infer("sentiment", json.writeValueAsString(java.util.Map.of("id", "req-7",
                "inputs", List.of(java.util.Map.of("name", "text", "shape", List.of(3), "datatype", "BYTES", "data", texts)))));
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        JsonNode answer = read(response);
        assertThat(answer.get("model_name").asString()).isEqualTo("sentiment");
        assertThat(answer.get("model_version").asString()).isEqualTo(id);
        assertThat(answer.get("id").asString()).isEqualTo("req-7");
        JsonNode label = answer.get("outputs").get(0);
        JsonNode probabilities = answer.get("outputs").get(1);
        assertThat(label.get("name").asString()).isEqualTo("label");
        assertThat(label.get("datatype").asString()).isEqualTo("BYTES");
        assertThat(label.get("shape").toString()).isEqualTo("[3]");
        assertThat(probabilities.get("datatype").asString()).isEqualTo("FP32");
        assertThat(probabilities.get("shape").toString()).isEqualTo("[3,2]");
        assertThat(probabilities.get("data")).hasSize(6);
        var classifier = modelService.resolve(null).classifier();
        for (int i = 0; i < texts.size(); i++) {
            var expected = classifier.classify(texts.get(i));
            assertThat(label.get("data").get(i).asString()).isEqualTo(expected.label());
            assertThat(probabilities.get("data").get(2 * i).asDouble())
                    .isCloseTo(expected.scores().get("negative"), org.assertj.core.data.Offset.offset(1e-6));
            assertThat(probabilities.get("data").get(2 * i + 1).asDouble())
                    .isCloseTo(expected.scores().get("positive"), org.assertj.core.data.Offset.offset(1e-6));
        }
        long after = inferRequestsMeasured();
        assertThat(after).as("counted in the classification metrics").isEqualTo(before + 1);

        // nested data (row-major), a chosen output, by version id
        JsonNode chosen = read(infer(id, "{\"inputs\":[{\"name\":\"text\",\"shape\":[2],\"datatype\":\"BYTES\","
                + "\"data\":[[\"good\"],[\"bad\"]]}],\"outputs\":[{\"name\":\"probabilities\"}]}"));
        assertThat(chosen.get("outputs")).hasSize(1);
        assertThat(chosen.get("outputs").get(0).get("shape").toString()).isEqualTo("[2,2]");
        assertThat(chosen.has("id")).isFalse();
    }

    @Test
    void chunksSaysHowManyWindowsEachTextWasReadInAsClassifyDoes() throws Exception {
        activeModel();
        // a version that reads a long text in windows of 20 tokens (the tiny model's maxSequenceLength)
        var classifier = com.example.sentiment.TinyModel.train(120, 2)
                .readingLongText(com.example.sentiment.ml.LongText.CHUNK, 0);
        String windowed = modelService.register(classifier, new com.example.sentiment.model.ModelMetadata(null,
                "windowed", java.time.Instant.now(), null, com.example.sentiment.TinyModel.LABELS,
                com.example.sentiment.TinyModel.hyperParameters(2).withLongText(
                        com.example.sentiment.ml.LongText.CHUNK, 0),
                classifier.vocabularySize(), null, classifier.parameterCount(), null, null, List.of(), 2, 1.0, null,
                null, null), false).id();
        String longText = "a wonderful , lovely film . ".repeat(30);
        List<String> texts = List.of("awful and boring", longText);
        JsonNode answer = read(infer(windowed, json.writeValueAsString(java.util.Map.of("inputs",
                List.of(java.util.Map.of("name", "text", "shape", List.of(2), "datatype", "BYTES", "data", texts))))));
        JsonNode chunks = answer.get("outputs").get(2);
        assertThat(chunks.get("name").asString()).as(answer.toString()).isEqualTo("chunks");
        assertThat(chunks.get("datatype").asString()).isEqualTo("INT32");
        assertThat(chunks.get("shape").toString()).isEqualTo("[2]");
        assertThat(chunks.get("data").get(0).asInt()).isEqualTo(1);
        int windows = chunks.get("data").get(1).asInt();
        assertThat(windows).as("a long text is read in overlapping windows").isGreaterThan(1);
        JsonNode classified = read(sendJson(post("/api/v1/classify"), java.util.Map.of("text", longText,
                "modelId", windowed)));
        assertThat(windows).as("the same count as /api/v1/classify answers").isEqualTo(classified.get("chunks").asInt());

        JsonNode only = read(infer(windowed, "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\","
                + "\"data\":[\"good\"]}],\"outputs\":[{\"name\":\"chunks\"}]}"));
        assertThat(only.get("outputs")).hasSize(1);
        assertThat(only.get("outputs").get(0).get("data").toString()).isEqualTo("[1]");
    }

    private long inferRequestsMeasured() {
        return meters.get("sentiment.classify.latency").tag("endpoint", "v2-infer").timers().stream()
                .mapToLong(t -> t.count()).sum();
    }

    @Test
    void protocolErrorsAre4xxWithAnErrorMessage() throws Exception {
        activeModel();
        String[][] cases = {
            {"{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[\"x\"]}]}", "400", "datatype BYTES"},
            {"{\"inputs\":[{\"name\":\"text\",\"shape\":[2],\"datatype\":\"BYTES\",\"data\":[\"x\"]}]}", "400", "shape [2]"},
            {"{\"inputs\":[{\"name\":\"text\",\"shape\":[1,1],\"datatype\":\"BYTES\",\"data\":[\"x\"]}]}", "400", "shape [N]"},
            {"{\"inputs\":[{\"name\":\"words\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"x\"]}]}", "400", "unknown input 'words'"},
            {"{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[5]}]}", "400", "array of strings"},
            {"{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\" \"]}]}", "400", "text[0]: must not be blank"},
            {"{\"inputs\":[{\"name\":\"text\",\"shape\":[0],\"datatype\":\"BYTES\",\"data\":[]}]}", "400", "at least one text"},
            {"{\"inputs\":[{\"name\":\"text\",\"shape\":[5],\"datatype\":\"BYTES\",\"data\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}]}", "400", "at most 4"},
            {"{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"x\"]}],\"outputs\":[{\"name\":\"logits\"}]}", "400", "unknown output 'logits'"},
            {"{\"inputs\":[]}", "400", "one input tensor"},
            {"{\"inputz\":[]}", "400", "not a valid inference request"},
            {"not json", "400", "not a valid inference request"},
        };
        for (String[] c : cases) {
            MockHttpServletResponse response = infer("sentiment", c[0]);
            assertThat(response.getStatus()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            assertThat(response.getContentType()).isEqualTo("application/json");
            assertThat(read(response).get("error").asString()).as(c[0]).contains(c[2]);
        }
        MockHttpServletResponse unknownModel = infer("nope",
                "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"x\"]}]}");
        assertThat(unknownModel.getStatus()).isEqualTo(404);
        assertThat(read(unknownModel).get("error").asString()).contains("nope");
        MockHttpServletResponse wrongType = mvc.perform(post("/v2/models/sentiment/infer")
                .contentType(MediaType.TEXT_PLAIN).content("hello")).andReturn().getResponse();
        assertThat(wrongType.getStatus()).isEqualTo(415);
        assertThat(read(wrongType).get("error").asString()).contains("application/json");
    }
}
