package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.ml.HashedPieceEncoder;
import com.example.sentiment.ml.PretrainedEncoders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    private ConfigurableApplicationContext start(String... settings) {
        PretrainedEncoders encoders = HashedPieceEncoder.lookup(encoder);
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--sentiment.models-dir=" + models,
                "--sentiment.vectors-dir=" + models.resolve("no-vectors"),
                // a short pointer poll: a poll that loaded (and warmed up) a stored-only version would show
                "--sentiment.storage.pointer-poll=200ms"));
        args.addAll(List.of(settings));
        // registered beside the service's own (empty) encoders and preferred to them
        return new SpringApplicationBuilder(SentimentApplication.class)
                .initializers(context -> ((GenericApplicationContext) context).registerBean("testEncoders",
                        PretrainedEncoders.class, () -> encoders, bean -> bean.setPrimary(true)))
                .run(args.toArray(String[]::new));
    }

    private static JsonNode finished(ServiceClient client, String config) throws Exception {
        ServiceClient.Answer created = client.send(TrainingUpload.request(client.base(), TestCorpus.csv(400, 11),
                config));
        assertThat(created.status()).isEqualTo(202);
        String jobId = created.json().get("id").asString();
        AtomicReference<JsonNode> job = new AtomicReference<>();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            job.set(client.get("/api/v1/training-jobs/" + jobId).json());
            return job.get().get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED");
        });
        assertThat(job.get().get("state").asString()).as(job.get().toString()).isEqualTo("SUCCEEDED");
        return job.get();
    }

    private static void activate(ServiceClient client, String modelId) throws Exception {
        assertThat(client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base()
                + "/api/v1/models/active")).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"modelId\":\"" + modelId + "\"}")))
                .status()).isEqualTo(200);
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
            JsonNode job = finished(client, config);
            JsonNode progress = job.get("progress");
            int texts = progress.get("textsToEncode").asInt();
            assertThat(texts).isEqualTo(job.get("dataset").get("trainExamples").asInt()
                    + job.get("dataset").get("validationExamples").asInt());
            assertThat(progress.get("textsEncoded").asInt()).isEqualTo(texts);
            // and nothing else runs the encoder but the kept model's answers on the validation texts, read once more
            // after training for the version's drift reference and calibration; the version is only stored (ten
            // pointer polls of 200 ms)
            int validation = job.get("dataset").get("validationExamples").asInt();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(encoder.textsEncoded()).as("every text's states once, for all 10 epochs")
                            .isEqualTo(texts + validation));
            assertThat(job.get("metrics").get("validationAccuracy").asDouble()).isGreaterThan(0.85);

            modelId = job.get("modelId").asString();
            JsonNode settings = client.get("/api/v1/models/" + modelId).json().get("hyperParameters");
            assertThat(settings.get("encoder").asString()).isEqualTo("hashed");
            assertThat(settings.get("embeddingSize").asInt()).isEqualTo(16);
            assertThat(Files.readString(models.resolve(modelId).resolve("encoder.json")))
                    .contains("\"name\":\"hashed\"", "\"fingerprint\":\"fingerprint-hashed\"");

            activate(client, modelId);
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

    @Test
    void theSearchTriesTheAutoEncoderLastAndPublishesTheKeptCandidatesVocabularyAndEncoder() throws Exception {
        // a word vocabulary of one word leaves the word-id candidates next to nothing to learn from; the
        // encoder's candidate reads pieces, whatever the vocabulary settings say (the other settings, small for
        // speed, apply to every candidate)
        String config = "{\"activate\":false,\"epochs\":10,\"learningRate\":0.01,\"batchSize\":16,"
                + "\"lstmUnits\":16,\"dropout\":0.2,\"embeddingDropout\":0,\"maxVocabularySize\":3,"
                + "\"maxSequenceLength\":40,\"earlyStoppingPatience\":0}";
        try (ConfigurableApplicationContext app = start("--sentiment.training.auto-encoders=hashed",
                "--sentiment.training.cross-validation.max-rows=0")) {
            ServiceClient client = ServiceClient.of(app);
            JsonNode job = finished(client, config);
            JsonNode candidates = job.get("candidates");
            assertThat(candidates.valueStream().map(c -> c.get("name").asString()).toList())
                    .containsExactly("lstm", "bilstm-last-max", "encoder-bilstm-hashed");
            JsonNode kept = candidates.get(2);
            assertThat(kept.get("chosen").asBoolean()).as(candidates.toString()).isTrue();
            assertThat(kept.get("hyperParameters").get("encoder").asString()).isEqualTo("hashed");
            assertThat(kept.get("hyperParameters").get("bidirectional").asBoolean()).isTrue();
            assertThat(kept.get("validationMacroF1").asDouble()).isGreaterThan(0.85);
            assertThat(candidates.get(0).get("hyperParameters").get("encoder").isNull()).isTrue();
            assertThat(candidates.get(0).get("validationMacroF1").asDouble()).isLessThan(0.75);
            assertThat(job.get("hyperParameters").get("encoder").asString()).isEqualTo("hashed");
            // every text's states once, after the encoder was timed on one text and a sample of 64
            int texts = job.get("dataset").get("trainExamples").asInt()
                    + job.get("dataset").get("validationExamples").asInt();
            assertThat(job.get("progress").get("textsEncoded").asInt()).isEqualTo(texts);
            // and the validation texts once more, as the kept model answers them for the version's files
            assertThat(encoder.textsEncoded()).isEqualTo(1 + 64 + texts
                    + job.get("dataset").get("validationExamples").asInt());

            // the version is the encoder candidate's: its settings, its vocabulary of pieces and its encoder
            String modelId = job.get("modelId").asString();
            JsonNode version = client.get("/api/v1/models/" + modelId).json();
            assertThat(version.get("hyperParameters").get("encoder").asString()).isEqualTo("hashed");
            assertThat(version.get("vocabularySize").asInt()).isEqualTo(2);
            assertThat(version.get("candidates").size()).isEqualTo(3);
            assertThat(Files.readAllLines(models.resolve(modelId).resolve("vocabulary.txt"))).hasSize(2);
            assertThat(Files.readString(models.resolve(modelId).resolve("encoder.json")))
                    .contains("\"name\":\"hashed\"", "\"fingerprint\":\"fingerprint-hashed\"");

            activate(client, modelId);
            ServiceClient.Answer classified = client.postJson("/api/v1/classify/batch",
                    "{\"texts\":[\"what an awful film\",\"The acting was wonderful!\"]}");
            assertThat(classified.json().get("results").valueStream().map(r -> r.get("label").asString()).toList())
                    .containsExactly("negative", "positive");
        }
    }
}
