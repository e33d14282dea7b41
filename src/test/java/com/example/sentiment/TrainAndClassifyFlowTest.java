package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole product over real HTTP: upload a generated labelled file, watch the job succeed, classify,
 * find the version on disk, restart the application and find it again; and cancel a job.
 */
class TrainAndClassifyFlowTest {

    @TempDir
    Path models;

    private final JsonMapper json = ServiceClient.JSON;

    private ConfigurableApplicationContext start() {
        // command-line arguments, because builder properties rank below application.yml
        return new SpringApplicationBuilder(SentimentApplication.class)
                .run("--server.port=0", "--sentiment.models-dir=" + models,
                        "--sentiment.vectors-dir=" + models.resolve("no-vectors"));
    }

    private static ServiceClient.Answer upload(ServiceClient client, String csv, String config) throws Exception {
        return client.send(TrainingUpload.request(client.base(), csv, config));
    }

    @Test
    void trainClassifyRestartAndClassifyAgain() throws Exception {
        String modelId;
        try (ConfigurableApplicationContext app = start()) {
            ServiceClient client = ServiceClient.of(app);
            // before any version exists, health answers with the store's details (it once failed with a 500)
            ServiceClient.Answer empty = client.get("/actuator/health");
            assertThat(empty.status()).isEqualTo(503);
            JsonNode store = empty.json().get("components").get("modelStore");
            assertThat(store.get("status").asString()).isEqualTo("UP");
            assertThat(store.get("details").get("versions").asInt()).isZero();
            assertThat(store.get("details").has("activeVersion")).isFalse();
            ServiceClient.Answer created = upload(client, TestCorpus.csv(400, 11), TinyModel.JOB_CONFIG);
            assertThat(created.status()).isEqualTo(202);
            String jobId = created.json().get("id").asString();
            assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/training-jobs/" + jobId);
            assertThat(created.json().get("dataset").get("examplesPerLabel").get("positive").asInt()).isEqualTo(200);

            List<Double> percents = new ArrayList<>();
            AtomicReference<JsonNode> job = new AtomicReference<>();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode j = client.get("/api/v1/training-jobs/" + jobId).json();
                percents.add(j.get("progress").get("percent").asDouble());
                job.set(j);
                return j.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED");
            });
            assertThat(job.get().get("state").asString()).isEqualTo("SUCCEEDED");
            assertThat(job.get().get("history").size()).as("the kept candidate's epochs").isEqualTo(8);
            // preset auto, the default: both documented candidates trained, exactly one kept
            JsonNode candidates = job.get().get("candidates");
            assertThat(candidates.size()).isEqualTo(2);
            assertThat(candidates.get(0).get("name").asString()).isEqualTo("lstm");
            assertThat(candidates.get(1).get("hyperParameters").get("pooling").asString()).isEqualTo("last+max");
            assertThat(java.util.stream.IntStream.range(0, 2).filter(i -> candidates.get(i).get("chosen").asBoolean())
                    .count()).isEqualTo(1);
            assertThat(job.get().get("metrics").get("validationAccuracy").asDouble()).isGreaterThan(0.9);
            assertThat(percents).isSorted();
            modelId = job.get().get("modelId").asString();
            // the version's metadata keeps the same candidates
            assertThat(client.get("/api/v1/models/" + modelId).json().get("candidates").size()).isEqualTo(2);

            ServiceClient.Answer positive = client.postJson("/api/v1/classify", "{\"text\":\"The acting was wonderful!\"}");
            assertThat(positive.status()).isEqualTo(200);
            assertThat(positive.json().get("label").asString()).isEqualTo("positive");
            assertThat(positive.json().get("modelId").asString()).isEqualTo(modelId);
            assertThat(positive.json().get("scores").size()).isEqualTo(2);
            ServiceClient.Answer batch = client.postJson("/api/v1/classify/batch",
                    "{\"texts\":[\"a terrible plot\",\"brilliant music\",\"this movie was really dull\"]}");
            assertThat(batch.json().get("results").valueStream().map(r -> r.get("label").asString()).toList())
                    .containsExactly("negative", "positive", "negative");

            // a new version reads a long text in windows (longText chunk by default); asked to, it truncates
            JsonNode windowed = client.postJson("/api/v1/classify", json.writeValueAsString(java.util.Map.of("text",
                    "good ".repeat(2000)))).json();
            assertThat(windowed.get("truncated").asBoolean()).isFalse();
            assertThat(windowed.get("tokens").asInt()).isEqualTo(2000);
            assertThat(windowed.get("chunks").asInt()).isGreaterThan(1);
            assertThat(client.get("/api/v1/models/" + modelId).json().get("hyperParameters").get("longText")
                    .asString()).isEqualTo("chunk");
            JsonNode cut = client.postJson("/api/v1/classify", json.writeValueAsString(java.util.Map.of("text",
                    "good ".repeat(2000), "longText", "truncate"))).json();
            assertThat(cut.get("truncated").asBoolean()).isTrue();
            assertThat(cut.get("chunks").asInt()).isEqualTo(1);

            Path version = models.resolve(modelId);
            assertThat(version.resolve("model.zip")).isRegularFile();
            assertThat(version.resolve("vocabulary.txt")).isRegularFile();
            assertThat(version.resolve("labels.txt")).hasContent("negative\npositive");
            assertThat(Files.readString(version.resolve("metadata.json"))).contains("\"sha256\"", "\"accuracy\"");
            assertThat(models.resolve("active")).hasContent(modelId);

            JsonNode details = client.get("/api/v1/models/" + modelId).json();
            assertThat(details.get("active").asBoolean()).isTrue();
            assertThat(details.get("evaluation").get("confusionMatrix").size()).isEqualTo(2);
            assertThat(details.get("trainingJobId").asString()).isEqualTo(jobId);
            assertThat(client.get("/actuator/health/readiness").json().get("components").get("activeModel")
                    .get("details").get("version").asString()).isEqualTo(modelId);
            // the job stored its validation rows' drift profile with the version; the 6 texts above are live traffic
            assertThat(version.resolve("drift-reference.json")).isRegularFile();
            JsonNode drift = client.get("/api/v1/models/" + modelId + "/drift").json();
            assertThat(drift.get("referenceSample").asInt()).isEqualTo(job.get().get("dataset")
                    .get("validationExamples").asInt());
            assertThat(drift.get("liveSample").asInt()).isEqualTo(6);
            assertThat(drift.get("status").asString()).isEqualTo("insufficient-data");
            String prometheus = client.get("/actuator/prometheus").body();
            assertThat(prometheus).contains("sentiment_classify_latency_seconds_bucket", "sentiment_predictions_total",
                    "label=\"positive\"", "model=\"" + modelId + "\"", "sentiment_training_jobs");
            assertThat(client.get("/actuator/health").json().get("components").get("modelStore").get("details")
                    .get("activeVersion").asString()).isEqualTo(modelId);
            JsonNode status = client.get("/api/v1/status").json();
            assertThat(status.get("activeModel").get("id").asString()).isEqualTo(modelId);
            assertThat(status.get("storedModels").asInt()).isEqualTo(1);
            assertThat(client.send(HttpRequest.newBuilder(URI.create(client.base() + "/api/v1/models/" + modelId)).DELETE())
                    .status()).isEqualTo(409);
        }

        try (ConfigurableApplicationContext app = start()) {
            ServiceClient client = ServiceClient.of(app);
            // the active model loads in the background; readiness says when it can classify
            await().atMost(Duration.ofSeconds(60)).until(() -> client.get("/actuator/health/readiness").status() == 200);
            assertThat(client.get("/actuator/health/liveness").status()).isEqualTo(200);
            JsonNode list = client.get("/api/v1/models").json();
            assertThat(list.size()).isEqualTo(1);
            assertThat(list.get(0).get("id").asString()).isEqualTo(modelId);
            assertThat(list.get(0).get("active").asBoolean()).isTrue();
            ServiceClient.Answer negative = client.postJson("/api/v1/classify", "{\"text\":\"what an awful film\"}");
            assertThat(negative.json().get("label").asString()).isEqualTo("negative");
            assertThat(client.get("/api/v1/training-jobs").json().get("items").get(0).get("state").asString()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void cancellingARunningJobWritesNoModel() throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            ServiceClient client = ServiceClient.of(app);
            String slow = TinyModel.JOB_CONFIG.replace("\"epochs\":8", "\"epochs\":500").replace("\"batchSize\":16", "\"batchSize\":4");
            String jobId = upload(client, TestCorpus.csv(400, 12), slow).json().get("id").asString();
            await().atMost(Duration.ofMinutes(1)).until(() ->
                    client.get("/api/v1/training-jobs/" + jobId).json().get("state").asString().equals("RUNNING"));
            // a second job waits in the queue and is cancelled at once
            String queuedId = upload(client, TestCorpus.csv(100, 13), TinyModel.JOB_CONFIG).json().get("id").asString();
            assertThat(client.get("/api/v1/training-jobs/" + queuedId).json().get("state").asString()).isEqualTo("QUEUED");
            assertThat(client.postJson("/api/v1/training-jobs/" + queuedId + "/cancel", "").json().get("state").asString())
                    .isEqualTo("CANCELLED");

            assertThat(client.postJson("/api/v1/training-jobs/" + jobId + "/cancel", "").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    client.get("/api/v1/training-jobs/" + jobId).json().get("state").asString().equals("CANCELLED"));
            JsonNode job = client.get("/api/v1/training-jobs/" + jobId).json();
            assertThat(job.get("modelId").isNull()).isTrue();
            assertThat(client.get("/api/v1/models").json().size()).isZero();
            try (var entries = Files.list(models)) {
                assertThat(entries.map(p -> p.getFileName().toString())).containsOnly(".jobs");
            }
        }
    }
}
