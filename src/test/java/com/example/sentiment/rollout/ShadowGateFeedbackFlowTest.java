package com.example.sentiment.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.SentimentApplication;
import com.example.sentiment.ServiceClient;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TinyModel;
import com.example.sentiment.model.ModelService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * {@code sentiment.rollout.promotion-gate=feedback-win} over real HTTP: a job's version that beats a weak active
 * version becomes the gated shadow; the traffic is compared, then the texts' true labels arrive as corrections
 * ({@code POST /api/v1/feedback}), and on the texts the two answered differently the new version is right more
 * often: it is activated, although its agreement with the active version is beside the point.
 */
class ShadowGateFeedbackFlowTest {

    @TempDir
    Path models;

    @Test
    void aVersionThatCorrectionsProveRightMoreOftenIsActivated() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SentimentApplication.class).run(
                "--server.port=0", "--sentiment.models-dir=" + models,
                "--sentiment.vectors-dir=" + models.resolve("no-vectors"), "--sentiment.seed-models=false",
                "--sentiment.rollout.promotion-gate=feedback-win",
                "--sentiment.rollout.shadow-gate.sample-rate=1",
                "--sentiment.rollout.shadow-gate.min-corrections=5",
                "--sentiment.rollout.guard-interval=200ms",
                "--sentiment.training.promotion-margin=0")) {
            ServiceClient client = ServiceClient.of(app);
            String before = TinyModel.activate(app.getBean(ModelService.class), 60, 1);
            JsonNode job = client.train(TestCorpus.csv(240, 5), TinyModel.jobConfig(8)
                    .replace("}", ",\"activate\":\"if-better\"}"));
            assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            String candidate = job.get("modelId").asString();
            assertThat(job.get("promotion").get("decision").asString()).isEqualTo("awaiting-shadow-gate");
            assertThat(job.get("promotion").get("reason").asString()).contains("sign test");
            assertThat(client.get("/api/v1/models/shadow").json().get("gate").get("rule").asString())
                    .isEqualTo("feedback-win");

            List<TestCorpus.Example> examples = TestCorpus.examples(120, 13);
            List<String> texts = examples.stream().map(TestCorpus.Example::text).toList();
            assertThat(client.postJson("/api/v1/classify/batch", ServiceClient.JSON.writeValueAsString(
                    Map.of("texts", texts))).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    client.get("/api/v1/models/shadow/report").json().get("compared").asLong() == texts.size());
            JsonNode report = client.get("/api/v1/models/shadow/report").json();
            assertThat(report.get("agreed").asLong()).as("the two must differ on some texts for this test")
                    .isLessThan(texts.size() - 10);
            assertThat(client.get("/api/v1/status").json().get("activeModel").get("id").asString())
                    .as("no correction yet").isEqualTo(before);

            for (TestCorpus.Example example : examples) {
                ServiceClient.Answer stored = client.postJson("/api/v1/feedback", ServiceClient.JSON.writeValueAsString(
                        Map.of("text", example.text(), "label", example.label())));
                assertThat(stored.status()).as(stored.body()).isEqualTo(201);
            }
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    client.get("/api/v1/status").json().get("activeModel").get("id").asString().equals(candidate));
            List<JsonNode> events = client.get("/api/v1/models/events").json().valueStream().toList();
            JsonNode promoted = events.get(events.size() - 1);
            assertThat(promoted.get("type").asString()).isEqualTo("shadow-gate-promoted");
            assertThat(promoted.get("detail").asString()).contains("corrections of texts the two answered differently");
        }
    }
}
