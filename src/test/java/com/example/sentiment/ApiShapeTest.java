package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.example.sentiment.ml.ClassifierTrainer;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.LabelledTexts;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.ml.TrainingObserver;
import com.example.sentiment.model.ModelMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.RequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shapes a client meets first: a version's settings can be sent back as a job's config, field errors have
 * one shape whether they come from the request (400) or the data file (422), a correction can be deleted, a
 * finished job cannot be cancelled, and the job list is paged like the correction list.
 */
class ApiShapeTest extends FullContext {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static String versionId;

    /** A trained version whose settings use every enum in a form other than the constant's name. */
    @BeforeEach
    void trainedVersion() throws Exception {
        if (versionId != null) {
            return;
        }
        HyperParameters hp = new HyperParameters(3, 8, 0.01, 8, 8, true, 0.1, 0.0, 20, 1, 100, 7, 0,
                HyperParameters.Pooling.LAST_MAX, null, false, HyperParameters.Engine.FUSED,
                HyperParameters.SelectionMetric.MACRO_F1, 0.2, 0.01, 0, 1, HyperParameters.ClassWeights.BALANCED);
        List<String> texts = new ArrayList<>();
        List<TestCorpus.Example> corpus = TestCorpus.examples(40, 3);
        int[] labels = new int[corpus.size()];
        for (int i = 0; i < corpus.size(); i++) {
            texts.add(corpus.get(i).text());
            labels[i] = TinyModel.LABELS.indexOf(corpus.get(i).label());
        }
        LabelledTexts data = new LabelledTexts(texts, labels);
        TextClassifier classifier = new ClassifierTrainer().train(data, data, TinyModel.LABELS, hp, null,
                TrainingObserver.NONE, () -> false).classifier();
        ModelMetadata metadata = new ModelMetadata(null, "round-trip", Instant.now(), null, TinyModel.LABELS, hp,
                classifier.vocabularySize(), null, classifier.parameterCount(), null, null, List.of(), 3, 1.0, null,
                null, null);
        versionId = modelService.register(classifier, metadata, true).id();
    }

    private MockHttpServletResponse call(RequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn().getResponse();
    }

    private static JsonNode json(MockHttpServletResponse response) throws Exception {
        return JSON.readTree(response.getContentAsString(StandardCharsets.UTF_8));
    }

    private MockHttpServletResponse startJob(String csv, String config) throws Exception {
        var request = multipart("/api/v1/training-jobs")
                .file(new MockMultipartFile("data", "reviews.csv", "text/csv", csv.getBytes(StandardCharsets.UTF_8)));
        if (config != null) {
            request.file(new MockMultipartFile("config", "", "application/json", config.getBytes(StandardCharsets.UTF_8)));
        }
        return call(request);
    }

    private JsonNode awaitFinished(String jobId) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() ->
                json(call(get("/api/v1/training-jobs/" + jobId))).get("state").asString()
                        .matches("SUCCEEDED|FAILED|CANCELLED"));
        try {
            return json(call(get("/api/v1/training-jobs/" + jobId)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aVersionsSettingsAreWrittenAsTheConfigTakesThemAndCanBeSentBackAsAJobConfig() throws Exception {
        JsonNode version = json(call(get("/api/v1/models/" + versionId)));
        JsonNode hp = version.get("hyperParameters");
        assertThat(hp.get("pooling").asString()).isEqualTo("last+max");
        assertThat(hp.get("engine").asString()).isEqualTo("fused");
        assertThat(hp.get("selectionMetric").asString()).isEqualTo("macroF1");
        assertThat(hp.get("classWeights").asString()).isEqualTo("balanced");
        // settings made before long texts were read in windows truncate them, and say so
        assertThat(hp.get("longText").asString()).isEqualTo("truncate");

        MockHttpServletResponse accepted = startJob(TestCorpus.csv(60, 5), hp.toString());
        assertThat(accepted.getStatus()).as(accepted.getContentAsString()).isEqualTo(202);
        JsonNode job = json(accepted);
        assertThat(job.get("hyperParameters")).isEqualTo(hp);
        assertThat(json(call(get("/api/v1/training-jobs/" + job.get("id").asString()))).get("hyperParameters"))
                .isEqualTo(hp);
        call(post("/api/v1/training-jobs/" + job.get("id").asString() + "/cancel"));
        awaitFinished(job.get("id").asString());
    }

    @Test
    void aJobConfigTakesTheEnumsInEitherForm() throws Exception {
        MockHttpServletResponse constants = startJob(TestCorpus.csv(60, 6), "{\"epochs\":1,\"preset\":\"none\","
                + "\"pooling\":\"LAST_MAX\",\"engine\":\"FUSED\",\"selectionMetric\":\"MACRO_F1\",\"classWeights\":\"BALANCED\"}");
        assertThat(constants.getStatus()).as(constants.getContentAsString()).isEqualTo(202);
        JsonNode hp = json(constants).get("hyperParameters");
        assertThat(hp.get("pooling").asString()).isEqualTo("last+max");
        assertThat(hp.get("selectionMetric").asString()).isEqualTo("macroF1");
        call(post("/api/v1/training-jobs/" + json(constants).get("id").asString() + "/cancel"));
        MockHttpServletResponse wrong = startJob(TestCorpus.csv(60, 6), "{\"pooling\":\"LAST-MAX\"}");
        assertThat(wrong.getStatus()).isEqualTo(400);
        assertThat(json(wrong).get("errors").get(0).get("field").asString()).isEqualTo("config.pooling");
    }

    @Test
    void datasetErrorsAndRequestFieldErrorsHaveOneShape() throws Exception {
        MockHttpServletResponse badRows = startJob("text,label\ngood film,positive\nbad, awful film,negative\n"
                + "fine,positive\n", null);
        assertThat(badRows.getStatus()).isEqualTo(422);
        JsonNode rowError = json(badRows).get("errors").get(0);
        assertThat(rowError.get("part").asString()).isEqualTo("data");
        assertThat(rowError.get("line").asInt()).isEqualTo(3);
        assertThat(rowError.get("message").asString()).isEqualTo("expected 2 fields, found 3");
        assertThat(json(badRows).get("detail").asString()).contains("line 3: expected 2 fields, found 3");

        MockHttpServletResponse oneLabel = startJob("text,label\ngood film,positive\nnice,positive\n", null);
        assertThat(oneLabel.getStatus()).isEqualTo(422);
        JsonNode fileError = json(oneLabel).get("errors").get(0);
        assertThat(fileError.get("part").asString()).isEqualTo("data");
        assertThat(fileError.has("line")).as("a whole-file problem has no line").isFalse();
        assertThat(fileError.get("message").asString()).contains("at least 2 different labels");

        MockHttpServletResponse badField = startJob(TestCorpus.csv(60, 7), "{\"epochs\":0}");
        assertThat(badField.getStatus()).isEqualTo(400);
        JsonNode fieldError = json(badField).get("errors").get(0);
        assertThat(fieldError.get("field").asString()).isEqualTo("config.epochs");
        assertThat(fieldError.get("message").asString()).isEqualTo("must be at least 1");
    }

    @Test
    void aCorrectionCanBeDeleted() throws Exception {
        MockHttpServletResponse created = call(post("/api/v1/feedback").contentType(MediaType.APPLICATION_JSON)
                .content("{\"text\":\"Not bad at all\",\"label\":\"positive\"}"));
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(201);
        String id = json(created).get("id").asString();
        MockHttpServletResponse other = call(post("/api/v1/feedback").contentType(MediaType.APPLICATION_JSON)
                .content("{\"text\":\"Dull\",\"label\":\"negative\"}"));
        assertThat(call(delete("/api/v1/feedback/" + id)).getStatus()).isEqualTo(204);
        assertThat(call(get("/api/v1/feedback/" + id)).getStatus()).isEqualTo(404);
        MockHttpServletResponse again = call(delete("/api/v1/feedback/" + id));
        assertThat(again.getStatus()).isEqualTo(404);
        assertThat(again.getContentType()).isEqualTo("application/problem+json");
        assertThat(json(again).get("type").asString()).endsWith("/feedback-not-found");
        assertThat(call(get("/api/v1/feedback/" + json(other).get("id").asString())).getStatus()).isEqualTo(200);
    }

    @Test
    void cancellingAFinishedJobIsAConflictAndTheJobListIsPaged() throws Exception {
        String first = json(startJob(TestCorpus.csv(60, 8), TinyModel.jobConfig(1))).get("id").asString();
        String second = json(startJob(TestCorpus.csv(60, 9), TinyModel.jobConfig(1))).get("id").asString();
        call(post("/api/v1/training-jobs/" + first + "/cancel"));
        call(post("/api/v1/training-jobs/" + second + "/cancel"));
        String finishedState = awaitFinished(first).get("state").asString();
        awaitFinished(second);

        MockHttpServletResponse conflict = call(post("/api/v1/training-jobs/" + first + "/cancel"));
        assertThat(conflict.getStatus()).isEqualTo(409);
        assertThat(conflict.getContentType()).isEqualTo("application/problem+json");
        assertThat(json(conflict).get("type").asString()).endsWith("/job-finished");
        assertThat(json(conflict).get("detail").asString()).contains(finishedState);
        assertThat(call(post("/api/v1/training-jobs/no-such-job/cancel")).getStatus()).isEqualTo(404);

        JsonNode all = json(call(get("/api/v1/training-jobs")));
        long total = all.get("total").asLong();
        assertThat(total).isGreaterThanOrEqualTo(2);
        JsonNode newest = json(call(get("/api/v1/training-jobs?page=0&size=1")));
        assertThat(newest.get("items").size()).isEqualTo(1);
        assertThat(newest.get("page").asInt()).isEqualTo(0);
        assertThat(newest.get("size").asInt()).isEqualTo(1);
        assertThat(newest.get("total").asLong()).isEqualTo(total);
        assertThat(newest.get("items").get(0)).isEqualTo(all.get("items").get(0));
        JsonNode next = json(call(get("/api/v1/training-jobs?page=1&size=1")));
        assertThat(next.get("items").get(0)).isEqualTo(all.get("items").get(1));
        assertThat(call(get("/api/v1/training-jobs?size=0")).getStatus()).isEqualTo(400);
        assertThat(call(get("/api/v1/training-jobs?size=201")).getStatus()).isEqualTo(400);
    }
}
