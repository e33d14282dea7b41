package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    private ConfigurableApplicationContext start() {
        // command-line arguments, because builder properties rank below application.yml
        return new SpringApplicationBuilder(SentimentApplication.class)
                .run("--server.port=0", "--sentiment.models-dir=" + models,
                        "--sentiment.vectors-dir=" + models.resolve("no-vectors"));
    }

    private static String base(ConfigurableApplicationContext context) {
        return "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
    }

    record Response(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private Response send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = response.body().isEmpty() ? null : json.readTree(response.body());
        return new Response(response.statusCode(), body, response);
    }

    private Response get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private Response postJson(String url, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Response upload(String baseUrl, String csv, String config) throws Exception {
        return send(TrainingUpload.request(baseUrl, csv, config).build());
    }

    @Test
    void trainClassifyRestartAndClassifyAgain() throws Exception {
        String modelId;
        try (ConfigurableApplicationContext app = start()) {
            String base = base(app);
            Response created = upload(base, TestCorpus.csv(400, 11), TinyModel.JOB_CONFIG);
            assertThat(created.status()).isEqualTo(202);
            String jobId = created.body().get("id").asString();
            assertThat(created.raw().headers().firstValue("Location")).hasValue("/api/v1/training-jobs/" + jobId);
            assertThat(created.body().get("dataset").get("examplesPerLabel").get("positive").asInt()).isEqualTo(200);

            List<Double> percents = new ArrayList<>();
            AtomicReference<JsonNode> job = new AtomicReference<>();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode j = get(base + "/api/v1/training-jobs/" + jobId).body();
                percents.add(j.get("progress").get("percent").asDouble());
                job.set(j);
                return j.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED");
            });
            assertThat(job.get().get("state").asString()).isEqualTo("SUCCEEDED");
            assertThat(job.get().get("history").size()).isEqualTo(8);
            assertThat(job.get().get("metrics").get("validationAccuracy").asDouble()).isGreaterThan(0.9);
            assertThat(percents).isSorted();
            modelId = job.get().get("modelId").asString();

            Response positive = postJson(base + "/api/v1/classify", "{\"text\":\"The acting was wonderful!\"}");
            assertThat(positive.status()).isEqualTo(200);
            assertThat(positive.body().get("label").asString()).isEqualTo("positive");
            assertThat(positive.body().get("modelId").asString()).isEqualTo(modelId);
            assertThat(positive.body().get("scores").size()).isEqualTo(2);
            Response batch = postJson(base + "/api/v1/classify/batch",
                    "{\"texts\":[\"a terrible plot\",\"brilliant music\",\"this movie was really dull\"]}");
            assertThat(batch.body().get("results").valueStream().map(r -> r.get("label").asString()).toList())
                    .containsExactly("negative", "positive", "negative");

            assertThat(postJson(base + "/api/v1/classify", json.writeValueAsString(java.util.Map.of("text",
                    "good ".repeat(2000)))).body().get("truncated").asBoolean()).isTrue();

            Path version = models.resolve(modelId);
            assertThat(version.resolve("model.zip")).isRegularFile();
            assertThat(version.resolve("vocabulary.txt")).isRegularFile();
            assertThat(version.resolve("labels.txt")).hasContent("negative\npositive");
            assertThat(Files.readString(version.resolve("metadata.json"))).contains("\"sha256\"", "\"accuracy\"");
            assertThat(models.resolve("active")).hasContent(modelId);

            JsonNode details = get(base + "/api/v1/models/" + modelId).body();
            assertThat(details.get("active").asBoolean()).isTrue();
            assertThat(details.get("evaluation").get("confusionMatrix").size()).isEqualTo(2);
            assertThat(details.get("trainingJobId").asString()).isEqualTo(jobId);
            assertThat(get(base + "/actuator/health/readiness").body().get("components").get("activeModel")
                    .get("details").get("version").asString()).isEqualTo(modelId);
            String prometheus = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(prometheus).contains("sentiment_classify_latency_seconds_bucket", "sentiment_predictions_total",
                    "label=\"positive\"", "model=\"" + modelId + "\"", "sentiment_training_jobs");
            JsonNode status = get(base + "/api/v1/status").body();
            assertThat(status.get("activeModel").get("id").asString()).isEqualTo(modelId);
            assertThat(status.get("storedModels").asInt()).isEqualTo(1);
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/api/v1/models/" + modelId)).DELETE().build())
                    .status()).isEqualTo(409);
        }

        try (ConfigurableApplicationContext app = start()) {
            String base = base(app);
            // the active model loads in the background; readiness says when it can classify
            await().atMost(Duration.ofSeconds(60)).until(() -> get(base + "/actuator/health/readiness").status() == 200);
            assertThat(get(base + "/actuator/health/liveness").status()).isEqualTo(200);
            JsonNode list = get(base + "/api/v1/models").body();
            assertThat(list.size()).isEqualTo(1);
            assertThat(list.get(0).get("id").asString()).isEqualTo(modelId);
            assertThat(list.get(0).get("active").asBoolean()).isTrue();
            Response negative = postJson(base + "/api/v1/classify", "{\"text\":\"what an awful film\"}");
            assertThat(negative.body().get("label").asString()).isEqualTo("negative");
            assertThat(get(base + "/api/v1/training-jobs").body().get(0).get("state").asString()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void cancellingARunningJobWritesNoModel() throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            String base = base(app);
            String slow = TinyModel.JOB_CONFIG.replace("\"epochs\":8", "\"epochs\":500").replace("\"batchSize\":16", "\"batchSize\":4");
            String jobId = upload(base, TestCorpus.csv(400, 12), slow).body().get("id").asString();
            await().atMost(Duration.ofMinutes(1)).until(() ->
                    get(base + "/api/v1/training-jobs/" + jobId).body().get("state").asString().equals("RUNNING"));
            // a second job waits in the queue and is cancelled at once
            String queuedId = upload(base, TestCorpus.csv(100, 13), TinyModel.JOB_CONFIG).body().get("id").asString();
            assertThat(get(base + "/api/v1/training-jobs/" + queuedId).body().get("state").asString()).isEqualTo("QUEUED");
            assertThat(postJson(base + "/api/v1/training-jobs/" + queuedId + "/cancel", "").body().get("state").asString())
                    .isEqualTo("CANCELLED");

            assertThat(postJson(base + "/api/v1/training-jobs/" + jobId + "/cancel", "").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    get(base + "/api/v1/training-jobs/" + jobId).body().get("state").asString().equals("CANCELLED"));
            JsonNode job = get(base + "/api/v1/training-jobs/" + jobId).body();
            assertThat(job.get("modelId").isNull()).isTrue();
            assertThat(get(base + "/api/v1/models").body().size()).isZero();
            try (var entries = Files.list(models)) {
                assertThat(entries.map(p -> p.getFileName().toString())).containsOnly(".jobs");
            }
        }
    }
}
