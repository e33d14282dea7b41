package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.BundledModel;
import com.example.sentiment.SentimentApplication;
import com.example.sentiment.ServiceClient;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TinyModel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Over real HTTP, with a copy of the bundled model active: a weak candidate (one epoch on a tiny file) trained
 * with {@code "activate": "if-better"} must leave the bundled model active, and {@code includeFeedback} adds
 * the stored corrections to its data, duplicates removed.
 */
class PromotionAndFeedbackFlowTest {

    @TempDir
    Path models;

    @Test
    void aWeakCandidateLeavesTheBundledModelActive() throws Exception {
        String bundled = BundledModel.copyTo(models);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SentimentApplication.class)
                .run("--server.port=0", "--sentiment.models-dir=" + models,
                        "--sentiment.vectors-dir=" + models.resolve("no-vectors"))) {
            ServiceClient client = ServiceClient.of(app);
            client.awaitReady();
            assertThat(client.get("/api/v1/status").json().get("activeModel").get("id").asString()).isEqualTo(bundled);

            String duplicate = TestCorpus.examples(120, 5).get(1).text(); // an uploaded row, as it is in the file
            for (Map<String, String> correction : new Map[] {
                    Map.of("text", duplicate, "label", "negative"),     // the file has it with this label
                    Map.of("text", "a film to forget", "label", "positive"),
                    Map.of("text", "a film to forget", "label", "negative"), // newer: replaces the one above
                    Map.of("text", "what a treat", "label", "positive")}) {
                assertThat(client.postJson("/api/v1/feedback", ServiceClient.JSON.writeValueAsString(correction))
                        .status()).isEqualTo(201);
            }

            String config = TinyModel.jobConfig(1).replace("}",
                    ",\"activate\":\"if-better\",\"includeFeedback\":true,\"validationSplit\":0.25}");
            JsonNode job = client.train(TestCorpus.csv(120, 5), config);
            assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("activate").asString()).isEqualTo("if-better");

            JsonNode dataset = job.get("dataset");
            assertThat(dataset.get("feedbackAdded").asInt()).isEqualTo(2);
            assertThat(dataset.get("feedbackDuplicates").asInt()).isEqualTo(2);
            assertThat(dataset.get("trainExamples").asInt() + dataset.get("validationExamples").asInt()).isEqualTo(122);

            JsonNode promotion = job.get("promotion");
            assertThat(promotion.get("decision").asString()).as(promotion.toString()).isEqualTo("kept-active");
            assertThat(promotion.get("activeModelId").asString()).isEqualTo(bundled);
            assertThat(promotion.get("examples").asInt()).isEqualTo(dataset.get("validationExamples").asInt());
            assertThat(promotion.get("activeMacroF1").asDouble())
                    .isGreaterThan(promotion.get("candidateMacroF1").asDouble() - 0.005);
            assertThat(promotion.get("reason").asString()).contains("not better by the margin");

            assertThat(client.get("/api/v1/status").json().get("activeModel").get("id").asString())
                    .as("the bundled model is still active").isEqualTo(bundled);
            // and it is what this replica loaded and what the pointer asks for
            assertThat(client.get("/api/v1/status").json().get("serving").get("loadedVersion").asString()).isEqualTo(bundled);
            assertThat(client.get("/api/v1/status").json().get("serving").get("desiredVersion").asString()).isEqualTo(bundled);
            String candidate = job.get("modelId").asString();
            assertThat(client.get("/api/v1/models/" + candidate).json().get("active").asBoolean()).isFalse();
        }
    }

    /** The default: a job that does not say {@code activate} never replaces a better active model (issue 30). */
    @Test
    void aWeakCandidateWithoutActivateLeavesTheBundledModelActive() throws Exception {
        String bundled = BundledModel.copyTo(models);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SentimentApplication.class)
                .run("--server.port=0", "--sentiment.models-dir=" + models,
                        "--sentiment.vectors-dir=" + models.resolve("no-vectors"))) {
            ServiceClient client = ServiceClient.of(app);
            client.awaitReady();
            assertThat(TinyModel.jobConfig(1)).doesNotContain("activate");
            JsonNode job = client.train(TestCorpus.csv(120, 5), TinyModel.jobConfig(1));
            assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("activate").asString()).isEqualTo("if-better");
            JsonNode promotion = job.get("promotion");
            assertThat(promotion.get("decision").asString()).as(promotion.toString()).isEqualTo("kept-active");
            assertThat(promotion.get("activeModelId").asString()).isEqualTo(bundled);
            assertThat(client.get("/api/v1/status").json().get("activeModel").get("id").asString())
                    .as("the bundled model is still active").isEqualTo(bundled);
            assertThat(client.get("/api/v1/models/" + job.get("modelId").asString()).json().get("active").asBoolean())
                    .isFalse();
        }
    }
}
