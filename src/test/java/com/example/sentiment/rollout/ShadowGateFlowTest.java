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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * {@code sentiment.rollout.promotion-gate=shadow-agreement} over real HTTP: a training job with
 * {@code "activate": "if-better"} whose version beats the active one makes it the gated shadow (the job says so,
 * the active version stays), and the traffic then decides: a version that agrees with the active one is
 * activated, one trained on the opposite labels is dismissed. The thresholds are small so that a few hundred
 * texts decide (and the held-out margin is 0, so that a version as good as the active one passes it).
 */
class ShadowGateFlowTest {

    @TempDir
    static Path models;

    private static ConfigurableApplicationContext app;
    private static ServiceClient client;

    private final List<String> texts = TestCorpus.examples(40, 11).stream().map(TestCorpus.Example::text).toList();

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(SentimentApplication.class).run("--server.port=0",
                "--sentiment.models-dir=" + models, "--sentiment.vectors-dir=" + models.resolve("no-vectors"),
                "--sentiment.seed-models=false",
                "--sentiment.rollout.promotion-gate=shadow-agreement",
                "--sentiment.rollout.shadow-gate.sample-rate=1",
                "--sentiment.rollout.shadow-gate.min-compared=80",
                "--sentiment.rollout.shadow-gate.min-agreement=0.3",
                "--sentiment.rollout.guard-interval=200ms",
                "--sentiment.training.promotion-margin=0");
        client = ServiceClient.of(app);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private String active() throws Exception {
        return client.get("/api/v1/status").json().get("activeModel").get("id").asString();
    }

    private List<String> eventTypes() throws Exception {
        return client.get("/api/v1/models/events").json().findValues("type").stream().map(JsonNode::asString).toList();
    }

    /** Trains with if-better; checks that the new version awaits its gate as the shadow, and returns it. */
    private String trainIntoTheShadowGate(String csv, String before) throws Exception {
        JsonNode job = client.train(csv, TinyModel.jobConfig(8).replace("}", ",\"activate\":\"if-better\"}"));
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        String candidate = job.get("modelId").asString();
        JsonNode promotion = job.get("promotion");
        assertThat(promotion.get("decision").asString()).as(promotion.toString()).isEqualTo("awaiting-shadow-gate");
        assertThat(promotion.get("activeModelId").asString()).isEqualTo(before);
        assertThat(promotion.get("reason").asString()).contains("it is the shadow version now", "0.3000");
        assertThat(active()).as("not activated yet").isEqualTo(before);

        JsonNode shadow = client.get("/api/v1/models/shadow").json();
        assertThat(shadow.get("modelId").asString()).isEqualTo(candidate);
        assertThat(shadow.get("sampleRate").asDouble()).isEqualTo(1.0);
        assertThat(shadow.get("gate").get("trainingJobId").asString()).isEqualTo(job.get("id").asString());
        assertThat(shadow.get("gate").get("minCompared").asLong()).isEqualTo(80);
        // the console's Rollout panel reads the gate from the overview
        assertThat(client.get("/api/v1/models/rollout").json().get("shadowGate").get("trainingJobId").asString())
                .isEqualTo(job.get("id").asString());
        assertThat(client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base()
                + "/api/v1/models/" + candidate)).DELETE()).status()).as("awaiting its gate: kept").isEqualTo(409);
        assertThat(eventTypes()).last().isEqualTo("shadow-gate-started");
        assertThat(client.get("/api/v1/models/" + candidate).json().get("rollout").asString())
                .isEqualTo("the shadow version, awaiting its shadow gate");
        return candidate;
    }

    /** Sends batches of texts until {@code decided} holds. */
    private void trafficUntil(java.util.concurrent.Callable<Boolean> decided) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            ServiceClient.Answer answer = client.postJson("/api/v1/classify/batch",
                    ServiceClient.JSON.writeValueAsString(Map.of("texts", texts)));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            return decided.call();
        });
    }

    @Test
    void aVersionThatAgreesWithTheActiveOneIsActivatedByTheTraffic() throws Exception {
        // a weak active version (one epoch, tiny), which the job's version beats on its held-out data
        String before = TinyModel.activate(app.getBean(ModelService.class), 60, 1);
        String candidate = trainIntoTheShadowGate(TestCorpus.csv(240, 5), before);

        trafficUntil(() -> candidate.equals(active()));
        assertThat(eventTypes()).containsSubsequence("shadow-gate-started", "shadow-gate-promoted");
        JsonNode promoted = client.get("/api/v1/models/events").json().valueStream()
                .filter(e -> e.get("type").asString().equals("shadow-gate-promoted")).reduce((a, b) -> b).orElseThrow();
        assertThat(promoted.get("modelId").asString()).isEqualTo(candidate);
        assertThat(promoted.get("detail").asString()).contains("compared texts", "activated");
        assertThat(client.get("/api/v1/models/shadow").status()).isEqualTo(404);
        assertThat(client.get("/api/v1/models/" + candidate).json().get("active").asBoolean()).isTrue();
        assertThat(client.get("/api/v1/models/" + candidate).json().get("rollout").isNull()).isTrue();
    }

    @Test
    void aVersionThatDisagreesWithTheActiveOneIsDismissedAndStaysStored() throws Exception {
        String before = TinyModel.activate(app.getBean(ModelService.class), 200, 6);
        // the opposite labels: on its own held-out data it beats the active version, on live traffic it disagrees
        String flipped = TestCorpus.csv(240, 7).replace(",positive\n", ",POS\n").replace(",negative\n", ",positive\n")
                .replace(",POS\n", ",negative\n");
        String candidate = trainIntoTheShadowGate(flipped, before);

        trafficUntil(() -> client.get("/api/v1/models/shadow").status() == 404);
        assertThat(eventTypes()).last().isEqualTo("shadow-gate-dismissed");
        assertThat(active()).isEqualTo(before);
        assertThat(client.get("/api/v1/models/" + candidate).status()).as("dismissed, not deleted").isEqualTo(200);
    }
}
