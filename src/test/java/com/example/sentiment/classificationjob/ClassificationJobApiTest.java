package com.example.sentiment.classificationjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.example.sentiment.FullContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockMultipartFile;
import tools.jackson.databind.JsonNode;

/**
 * A classification job through the API on a tiny model: uploaded, run on the inference workers, listed, and its
 * results downloaded with the same answers as {@code /classify} gives; and the refusals a client meets.
 */
class ClassificationJobApiTest extends FullContext {

    private static final List<String> TEXTS = List.of("a wonderful, moving film", "dull, boring and far too long",
            "great acting", "the worst movie, awful", "\"quoted\", with a comma");

    private MockMultipartFile csv() {
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 0; i < TEXTS.size(); i++) {
            csv.append("doc-").append(i).append(",\"").append(TEXTS.get(i).replace("\"", "\"\"")).append("\"\n");
        }
        return new MockMultipartFile("data", "reviews.csv", "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFileIsClassifiedAsAJobWithTheAnswersOfClassify() throws Exception {
        String model = tinyModel(200, 4);
        MockHttpServletResponse created = upload(multipart("/api/v1/classification-jobs").file(csv())
                .param("outputFormat", "jsonl"));
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(202);
        JsonNode job = read(created);
        String id = job.get("id").asString();
        assertThat(created.getHeader("Location")).isEqualTo("/api/v1/classification-jobs/" + id);
        assertThat(job.get("modelId").asString()).isEqualTo(model);
        assertThat(job.get("progress").get("totalRows").asLong()).isEqualTo(TEXTS.size());

        JsonNode done = await().atMost(Duration.ofSeconds(60)).until(
                () -> read(perform(get("/api/v1/classification-jobs/" + id))),
                j -> !j.get("state").asString().matches("QUEUED|RUNNING"));
        assertThat(done.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("progress").get("rowsDone").asLong()).isEqualTo(TEXTS.size());
        assertThat(done.get("progress").get("percent").asDouble()).isEqualTo(100.0);

        JsonNode page = read(perform(get("/api/v1/classification-jobs").param("size", "5")));
        assertThat(page.get("total").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(page.get("items").get(0).get("id").asString()).isEqualTo(id);

        MockHttpServletResponse results = perform(get(done.get("results").asString()));
        assertThat(results.getStatus()).isEqualTo(200);
        assertThat(results.getContentType()).startsWith("application/x-ndjson");
        List<String> lines = results.getContentAsString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(TEXTS.size());
        for (int i = 0; i < TEXTS.size(); i++) {
            JsonNode row = json.readTree(lines.get(i));
            JsonNode single = read(sendJson(post("/api/v1/classify"), Map.of("text", TEXTS.get(i))));
            assertThat(row.get("id").asString()).isEqualTo("doc-" + i);
            assertThat(row.get("label").asString()).isEqualTo(single.get("label").asString());
            assertThat(row.get("scores").get("positive").asDouble())
                    .isCloseTo(single.get("scores").get("positive").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
            assertThat(row.get("truncated").asBoolean()).isFalse();
        }
        assertThat(perform(post("/api/v1/classification-jobs/" + id + "/cancel")).getStatus()).isEqualTo(409);
    }

    @Test
    void badRequestsAreProblemsNeverServerErrors() throws Exception {
        tinyModel(200, 4);
        assertProblem(upload(multipart("/api/v1/classification-jobs").file(csv()).param("modelId", "no-such-version")),
                404, "model-not-found");
        assertProblem(upload(multipart("/api/v1/classification-jobs").file(csv()).param("textColumn", "body")),
                422, "invalid-classification-input");
        assertProblem(upload(multipart("/api/v1/classification-jobs")
                .file(new MockMultipartFile("data", "e.csv", "text/csv", new byte[0]))), 422, "invalid-classification-input");
        assertProblem(upload(multipart("/api/v1/classification-jobs").file(csv()).param("outputFormat", "parquet")),
                400, "invalid-request");
        assertProblem(perform(get("/api/v1/classification-jobs/cj-none")), 404, "classification-job-not-found");
        assertProblem(perform(get("/api/v1/classification-jobs/cj-none/results")), 404, "classification-job-not-found");
        assertProblem(perform(get("/api/v1/classification-jobs/..%2Fetc")), 404, null);
    }

    private MockHttpServletResponse upload(org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder
                                                   request) throws Exception {
        return mvc.perform(request).andReturn().getResponse();
    }

    private static void assertProblem(MockHttpServletResponse response, int status, String slug) throws Exception {
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(status);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        if (slug != null) {
            assertThat(response.getContentAsString()).contains("/problems/" + slug);
        }
    }
}
