package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.example.sentiment.system.ProblemTypes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockMultipartFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job with a {@code teacher}: refused at submission when the teacher is unknown or does not know the data's
 * labels; otherwise it labels its texts and their augmented copies with the teacher, trains a word-vector
 * student on them, and the version records what it learnt from.
 */
class DistillationApiTest extends FullContext {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private String teacherId;

    @BeforeEach
    void teacher() throws Exception {
        teacherId = tinyModel(200, 4);
    }

    private MockHttpServletResponse startJob(String csv, String config) throws Exception {
        return mvc.perform(multipart("/api/v1/training-jobs")
                .file(new MockMultipartFile("data", "reviews.csv", "text/csv", csv.getBytes(StandardCharsets.UTF_8)))
                .file(new MockMultipartFile("config", "", "application/json", config.getBytes(StandardCharsets.UTF_8))))
                .andReturn().getResponse();
    }

    private JsonNode getJson(String path) throws Exception {
        return JSON.readTree(mvc.perform(get(path)).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8));
    }

    private static JsonNode json(MockHttpServletResponse response) throws Exception {
        return JSON.readTree(response.getContentAsString(StandardCharsets.UTF_8));
    }

    /** The tiny job settings with these fields added. */
    private static String config(String fields) {
        String tiny = TinyModel.jobConfig(3);
        return tiny.substring(0, tiny.length() - 1) + "," + fields + "}";
    }

    private static void assertRefusedFor(MockHttpServletResponse response, String field) throws Exception {
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(400);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.get("type").asString()).isEqualTo(ProblemTypes.BASE + "invalid-request");
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo(field);
    }

    @Test
    void anUnknownOrMalformedTeacherIsRefused() throws Exception {
        MockHttpServletResponse unknown = startJob(TestCorpus.csv(60, 5), config("\"teacher\":\"20990101-000000-beef\""));
        assertRefusedFor(unknown, "config.teacher");
        assertThat(json(unknown).get("detail").asString()).contains("20990101-000000-beef");
        assertRefusedFor(startJob(TestCorpus.csv(60, 5), config("\"teacher\":\"../models\"")), "config.teacher");
    }

    @Test
    void aTeacherWithoutTheDatasLabelsIsRefused() throws Exception {
        String csv = TestCorpus.csv(60, 6).replace(",positive", ",ham").replace(",negative", ",spam");
        MockHttpServletResponse refused = startJob(csv, config("\"teacher\":\"" + teacherId + "\""));
        assertRefusedFor(refused, "config.teacher");
        assertThat(json(refused).get("detail").asString()).contains("ham", "spam");
    }

    @Test
    void augmentationAndTeacherWeightNeedATeacher() throws Exception {
        assertRefusedFor(startJob(TestCorpus.csv(60, 7), config("\"augmentation\":2")), "config.augmentation");
        assertRefusedFor(startJob(TestCorpus.csv(60, 7), config("\"teacherWeight\":0.3")), "config.teacherWeight");
        assertRefusedFor(startJob(TestCorpus.csv(60, 7), config("\"teacher\":\"" + teacherId
                + "\",\"distillationLoss\":\"squared\"")), "config.distillationLoss");
    }

    @Test
    void aStudentReadsWordVectorsNotAnEncoder() throws Exception {
        assertRefusedFor(startJob(TestCorpus.csv(60, 7), config("\"teacher\":\"" + teacherId
                + "\",\"encoder\":\"e5-small\"")), "config.encoder");
    }

    @Test
    void aDistilledJobLabelsItsTextsTrainsEveryCandidateAndRecordsItsTeacher() throws Exception {
        MockHttpServletResponse accepted = startJob(TestCorpus.csv(160, 8),
                config("\"teacher\":\"" + teacherId + "\",\"augmentation\":2"));
        assertThat(accepted.getStatus()).as(accepted.getContentAsString()).isEqualTo(202);
        String jobId = json(accepted).get("id").asString();
        assertThat(json(accepted).get("distillation").get("teacher").asString()).isEqualTo(teacherId);

        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() ->
                getJson("/api/v1/training-jobs/" + jobId).get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
        JsonNode job = getJson("/api/v1/training-jobs/" + jobId);
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        int trainExamples = job.get("dataset").get("trainExamples").asInt();
        JsonNode labelling = job.get("progress").get("labelling");
        assertThat(labelling.get("labelled").asInt()).isEqualTo(labelling.get("total").asInt())
                .isGreaterThan(trainExamples);
        // preset auto, the default: each candidate trained on the same distilled data
        assertThat(job.get("candidates").size()).isEqualTo(2);

        JsonNode version = getJson("/api/v1/models/" + job.get("modelId").asString());
        JsonNode distillation = version.get("distillation");
        assertThat(distillation.get("teacher").asString()).isEqualTo(teacherId);
        assertThat(distillation.get("augmentation").asInt()).isEqualTo(2);
        assertThat(distillation.get("teacherWeight").asDouble()).isEqualTo(0.5);
        assertThat(distillation.get("augmentedExamples").asInt())
                .isEqualTo(labelling.get("total").asInt() - trainExamples).isPositive();
        assertThat(version.get("evaluation").get("accuracy").asDouble()).isGreaterThan(0.8);
    }

    @Test
    void aStudentOfItsTeachersLogitsIsStoredAndServedWithProbabilities() throws Exception {
        MockHttpServletResponse accepted = startJob(TestCorpus.csv(160, 9), config("\"teacher\":\"" + teacherId
                + "\",\"augmentation\":1,\"distillationLoss\":\"logits\",\"preset\":\"none\""));
        assertThat(accepted.getStatus()).as(accepted.getContentAsString()).isEqualTo(202);
        String jobId = json(accepted).get("id").asString();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() ->
                getJson("/api/v1/training-jobs/" + jobId).get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
        JsonNode job = getJson("/api/v1/training-jobs/" + jobId);
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        String modelId = job.get("modelId").asString();
        JsonNode version = getJson("/api/v1/models/" + modelId);
        assertThat(version.get("hyperParameters").get("distillationLoss").asString()).isEqualTo("logits");
        assertThat(version.get("evaluation").get("accuracy").asDouble()).isGreaterThan(0.8);

        // the stored network answers probabilities (a softmax over its logits), loaded from the store
        MockHttpServletResponse answer = mvc.perform(post("/api/v1/classify").contentType("application/json")
                .content("{\"text\":\"a wonderful and moving film\",\"modelId\":\"" + modelId + "\"}"))
                .andReturn().getResponse();
        assertThat(answer.getStatus()).as(answer.getContentAsString()).isEqualTo(200);
        JsonNode scores = json(answer).get("scores");
        double sum = 0;
        for (JsonNode score : scores) {
            assertThat(score.asDouble()).isBetween(0.0, 1.0);
            sum += score.asDouble();
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
    }
}
