package com.example.sentiment.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import com.example.sentiment.FullContext;
import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.model.ModelMetadata;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

/**
 * A canary through the whole service: the classify endpoints answer with it for its share of clients, never for
 * a request that names a version, its outcomes reach its guard figures, and promoting it activates it.
 */
class CanaryFlowTest extends FullContext {

    private String answeredBy(String clientKey, String modelId) throws Exception {
        Map<String, Object> body = modelId == null ? Map.of("text", "a fine film") : Map.of("text", "a fine film", "modelId", modelId);
        MockHttpServletResponse response = perform(post("/api/v1/classify").header("X-Client-Key", clientKey)
                .contentType("application/json").content(json.writeValueAsString(body)));
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        return read(response).get("modelId").asString();
    }

    @Test
    void aCanaryAnswersItsClientsNamedRequestsStayAndPromotionActivatesIt() throws Exception {
        String active = tinyModel(60, 3);
        TextClassifier classifier = TinyModel.train(60, 1);
        String canary = modelService.register(classifier, new ModelMetadata(null, "canary", Instant.now(), null,
                TinyModel.LABELS, TinyModel.hyperParameters(1), classifier.vocabularySize(), null,
                classifier.parameterCount(), null, null, List.of(), 1, 1.0, null, null, null), false).id();

        MockHttpServletResponse refused = sendJson(put("/api/v1/models/canary"), Map.of("modelId", active, "percent", 10));
        assertThat(refused.getStatus()).isEqualTo(409);
        MockHttpServletResponse started = sendJson(put("/api/v1/models/canary"), Map.of("modelId", canary, "percent", 50));
        assertThat(started.getStatus()).as(started.getContentAsString()).isEqualTo(200);
        MockHttpServletResponse kept = perform(delete("/api/v1/models/" + canary));
        assertThat(kept.getStatus()).as("the running canary is not deleted").isEqualTo(409);
        assertThat(kept.getContentType()).startsWith("application/problem+json");
        assertThat(read(kept).get("type").asString()).endsWith("/model-conflict");
        assertThat(read(kept).get("detail").asString()).contains("is the running canary");
        assertThat(modelService.get(canary).usable()).isTrue();

        int toCanary = 0;
        for (int client = 0; client < 40; client++) {
            String key = "client-" + client;
            String first = answeredBy(key, null);
            assertThat(first).isIn(active, canary);
            assertThat(answeredBy(key, null)).as("sticky").isEqualTo(first);
            assertThat(answeredBy(key, active)).as("a named version is never routed").isEqualTo(active);
            toCanary += first.equals(canary) ? 1 : 0;
        }
        assertThat(toCanary).isBetween(8, 32);
        JsonNode status = read(perform(get("/api/v1/models/canary")));
        assertThat(status.get("canary").get("state").asString()).isEqualTo("RUNNING");
        assertThat(status.get("canaryFigures").get("requests").asInt()).isEqualTo(2 * toCanary);
        assertThat(status.get("activeFigures").get("requests").asInt()).isEqualTo(2 * (40 - toCanary));

        MockHttpServletResponse promoted = perform(post("/api/v1/models/canary/promote"));
        assertThat(promoted.getStatus()).as(promoted.getContentAsString()).isEqualTo(200);
        assertThat(read(promoted).get("state").asString()).isEqualTo("PROMOTED");
        assertThat(modelService.active().orElseThrow().id()).isEqualTo(canary);
        assertThat(answeredBy("client-0", null)).isEqualTo(canary);
        assertThat(perform(delete("/api/v1/models/canary")).getStatus()).as("none runs any more").isEqualTo(404);
        assertThat(read(perform(get("/api/v1/models/events"))).findValues("type").stream().map(JsonNode::asString))
                .containsSubsequence("canary-started", "canary-promoted");
    }
}
