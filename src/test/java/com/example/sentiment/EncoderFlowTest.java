package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.ml.HashedPieceEncoder;
import com.example.sentiment.ml.PretrainedEncoders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A job that names a pretrained encoder, over real HTTP, with {@link HashedPieceEncoder} as the service's
 * encoder: it trains on the encoder's states, its version records the encoder, and it classifies and explains,
 * after a restart too.
 */
class EncoderFlowTest {

    @TempDir
    Path models;

    private final HashedPieceEncoder encoder = new HashedPieceEncoder("hashed", 16);

    private ConfigurableApplicationContext start() {
        PretrainedEncoders encoders = HashedPieceEncoder.lookup(encoder);
        // registered beside the service's own (empty) encoders and preferred to them
        return new SpringApplicationBuilder(SentimentApplication.class)
                .initializers(context -> ((GenericApplicationContext) context).registerBean("testEncoders",
                        PretrainedEncoders.class, () -> encoders, bean -> bean.setPrimary(true)))
                // a short pointer poll: a poll that loaded (and warmed up) the stored-only version would show
                .run("--server.port=0", "--sentiment.models-dir=" + models,
                        "--sentiment.vectors-dir=" + models.resolve("no-vectors"), "--sentiment.storage.pointer-poll=200ms");
    }

    @Test
    void trainsOnTheEncodersStatesAndClassifiesThroughIt() throws Exception {
        // stored only, so that the encoder runs for nothing but training until the version is activated
        String config = "{\"encoder\":\"hashed\",\"preset\":\"none\",\"activate\":false,\"epochs\":10,"
                + "\"learningRate\":0.01,\"batchSize\":16,\"lstmUnits\":16,\"dropout\":0.2,\"embeddingDropout\":0,"
                + "\"maxSequenceLength\":40,\"earlyStoppingPatience\":0}";
        String modelId;
        try (ConfigurableApplicationContext app = start()) {
            ServiceClient client = ServiceClient.of(app);
            ServiceClient.Answer created = client.send(TrainingUpload.request(client.base(), TestCorpus.csv(400, 11),
                    config));
            assertThat(created.status()).isEqualTo(202);
            String jobId = created.json().get("id").asString();
            AtomicReference<JsonNode> job = new AtomicReference<>();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
                job.set(client.get("/api/v1/training-jobs/" + jobId).json());
                return job.get().get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED");
            });
            assertThat(job.get().get("state").asString()).as(job.get().toString()).isEqualTo("SUCCEEDED");
            JsonNode progress = job.get().get("progress");
            int texts = progress.get("textsToEncode").asInt();
            assertThat(texts).isEqualTo(job.get().get("dataset").get("trainExamples").asInt()
                    + job.get().get("dataset").get("validationExamples").asInt());
            assertThat(progress.get("textsEncoded").asInt()).isEqualTo(texts);
            // and nothing else runs the encoder: the version is only stored (ten pointer polls of 200 ms)
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(encoder.textsEncoded()).as("every text's states once, for all 10 epochs").isEqualTo(texts));
            assertThat(job.get().get("metrics").get("validationAccuracy").asDouble()).isGreaterThan(0.85);

            modelId = job.get().get("modelId").asString();
            JsonNode settings = client.get("/api/v1/models/" + modelId).json().get("hyperParameters");
            assertThat(settings.get("encoder").asString()).isEqualTo("hashed");
            assertThat(settings.get("embeddingSize").asInt()).isEqualTo(16);
            assertThat(Files.readString(models.resolve(modelId).resolve("encoder.json")))
                    .contains("\"name\":\"hashed\"", "\"fingerprint\":\"fingerprint-hashed\"");

            assertThat(client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base()
                    + "/api/v1/models/active")).header("Content-Type", "application/json")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"modelId\":\"" + modelId + "\"}")))
                    .status()).isEqualTo(200);
            JsonNode positive = client.postJson("/api/v1/classify",
                    "{\"text\":\"The acting was wonderful!\",\"explain\":true}").json();
            assertThat(positive.get("label").asString()).isEqualTo("positive");
            assertThat(positive.get("modelId").asString()).isEqualTo(modelId);
            assertThat(positive.get("explanation").size()).as("one weight per token").isEqualTo(5);
            assertThat(positive.get("explanation").get(3).get("token").asString()).isEqualTo("wonderful");
        }

        try (ConfigurableApplicationContext app = start()) {
            ServiceClient client = ServiceClient.of(app);
            await().atMost(Duration.ofSeconds(60)).until(() -> client.get("/actuator/health/readiness").status() == 200);
            ServiceClient.Answer negative = client.postJson("/api/v1/classify/batch",
                    "{\"texts\":[\"what an awful film\",\"brilliant music\"]}");
            assertThat(negative.json().get("results").valueStream().map(r -> r.get("label").asString()).toList())
                    .containsExactly("negative", "positive");
            assertThat(negative.json().get("results").get(0).get("modelId").asString()).isEqualTo(modelId);
        }
    }
}
